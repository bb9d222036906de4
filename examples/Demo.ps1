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
        $answer = Get-CachedResponse -Key $key -Path $cacheDir
        if ($null -eq $answer) {
            Write-Host "Attempt ${attempt}: miss - calling the AI..."
            $answer = Invoke-SlowAiCall -Prompt $key
            Set-CachedResponse -Key $key -Response $answer -Path $cacheDir
        } else {
            Write-Host "Attempt ${attempt}: hit - answered from the cache."
        }
        Write-Host ("  {0} ({1:N0} ms)" -f $answer, $watch.Elapsed.TotalMilliseconds)
    }

    Write-Host "`nCache statistics:"
    Get-CacheStats -Path $cacheDir | Format-List | Out-String | Write-Host
} finally {
    Remove-Item $cacheDir -Recurse -Force -ErrorAction Ignore
}
