<#
.SYNOPSIS
    What a script using ResponseCache does: ask a slow AI once, and answer from the cache after that.
#>
param(
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/ResponseCache/ResponseCache.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force

# A stand-in for an AI API call: slow, and costs money each time. No network involved.
function Invoke-SlowAiCall {
    param([string] $Prompt)
    Start-Sleep -Seconds 2
    "A cached answer to '$Prompt': it was expensive the first time."
}

# A throwaway cache directory, so the demo never touches your own cache.
$cacheDir = Join-Path ([IO.Path]::GetTempPath()) "ResponseCache-demo-$([guid]::NewGuid().ToString('N'))"
$key = 'gpt-4o|summarize|The quick brown fox jumps over the lazy dog.'
try {
    foreach ($attempt in 1..2) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # Get-or-add, the call a script writes most: the scriptblock runs only on a miss, and its answer is cached.
        $answer = Get-CachedResponse -Key $key -Path $cacheDir -CacheStatusVariable lookup -ScriptBlock {
            Write-Host "Attempt ${attempt}: miss - calling the AI..."
            Invoke-SlowAiCall -Prompt $key
        }
        if ($lookup.Status -eq 'Hit') {
            Write-Host "Attempt ${attempt}: hit - answered from the cache."
        }
        Write-Host ("  {0} ({1:N0} ms)" -f $answer, $watch.Elapsed.TotalMilliseconds)
    }

    Write-Host "`nCache statistics:"
    Get-CacheStats -Path $cacheDir | Format-List | Out-String | Write-Host
} finally {
    Remove-Item $cacheDir -Recurse -Force -ErrorAction Ignore
}
