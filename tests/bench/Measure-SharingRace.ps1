<#
.SYNOPSIS
    Measures what survives when the module and the Python reference write one cache at the same time.
.DESCRIPTION
    Each round starts a fresh pwsh that stores -Count entries with Set-CachedResponse, one call each, and at the same
    moment a python3 that stores -Count entries of its own, opening a new CacheManager for each set as a web worker
    does (so each set loads the file, adds one entry and rewrites the file, taking no lock). Once both have exited
    (the module folds its journal at exit), it counts how many of each side's entries the cache holds, as a fresh
    Python process sees it (ai_responses.json alone) and as a fresh module process serves it. 'small' keeps the
    cache under 256 KB (rewritten whole by the module on every set); 'large' first seeds 100 entries of 3 KB, so the
    module's sets go to the journal. The reference runs with a cap high enough never to evict. -LongLived makes the
    Python side one CacheManager for all its sets, as a web server or notebook keeps it: it loads the file once, before
    the module's first set, and every set rewrites the file from that view plus its own entries. With -ResultFile the
    rounds are written there as JSON (for the benchmark report) instead of output.
.EXAMPLE
    ./tests/bench/Measure-SharingRace.ps1 -ModuleManifest out/package/ResponseCache/0.1.0/ResponseCache.psd1 -Rounds 3
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [ValidateSet('small', 'large')] [string[]] $Size = @('small', 'large'),
    [int] $Count = 150,
    [int] $Rounds = 3,
    [switch] $LongLived,
    [string] $WorkDirectory = [IO.Path]::GetTempPath(),
    [string] $ResultFile,
    # Debian's python3 by default, the one the interop tests run the reference with.
    [string] $Python = $(if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' })
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifest = (Resolve-Path -LiteralPath $ModuleManifest).Path
$referenceDirectory = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../reference')).Path
$python = (Get-Command $Python -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$pwsh = [Environment]::ProcessPath
[string[]] $pwshPrefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }

$pythonWriter = @'
import os, sys, time
sys.path.insert(0, sys.argv[1])
from cache_manager import CacheManager
directory, count, go, long_lived = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == '1'
shared = CacheManager(directory, max_entries=1000000, ttl_days=7, quiet=True) if long_lived else None
deadline = time.time() + 120
while not os.path.exists(go):
    if time.time() > deadline:
        sys.exit('The module writer never started.')
    time.sleep(0.001)
for i in range(count):
    (shared or CacheManager(directory, max_entries=1000000, ttl_days=7, quiet=True)).set(f'python {i}', 'p' * 200)
'@

$pythonCounter = @'
import json, sys
sys.path.insert(0, sys.argv[1])
from cache_manager import CacheManager
cm = CacheManager(sys.argv[2], max_entries=1000000, ttl_days=7, quiet=True)
count = int(sys.argv[3])
print(json.dumps({
    'python': sum(1 for i in range(count) if cm.cache.get(cm._generate_key(f'python {i}')) is not None),
    'module': sum(1 for i in range(count) if cm.cache.get(cm._generate_key(f'module {i}')) is not None),
}))
'@

function Invoke-Round([string] $Directory, [string] $Kind) {
    if ($Kind -eq 'large') {
        $seed = "for i in range(100):`n    cm.set(f'seed {i}', chr(97 + i % 26) * 3000)"
        $null = "import sys`nsys.path.insert(0, sys.argv[1])`nfrom cache_manager import CacheManager`ncm = CacheManager(sys.argv[2], max_entries=1000000, quiet=True)`n$seed" | & $python - $referenceDirectory $Directory
    }

    $go = Join-Path $Directory '..' 'go'
    $moduleScript = @"
Import-Module '$manifest'
`$null = Get-CacheStats -Path '$Directory'
New-Item -ItemType File -Path '$go' | Out-Null
foreach (`$i in 0..$($Count - 1)) { Set-CachedResponse -Key "module `$i" -Response ('m' * 200) -Path '$Directory' -MaxEntries 1000000 }
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($moduleScript))
    $module = Start-Process -FilePath $pwsh -ArgumentList (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru -NoNewWindow
    $pythonFile = Join-Path $Directory '..' 'writer.py'
    Set-Content -LiteralPath $pythonFile -Value $pythonWriter
    $reference = Start-Process -FilePath $python -ArgumentList $pythonFile, $referenceDirectory, $Directory, $Count, $go, $(if ($LongLived) { '1' } else { '0' }) -PassThru -NoNewWindow
    $module.WaitForExit()
    $reference.WaitForExit()
    if ($module.ExitCode -ne 0 -or $reference.ExitCode -ne 0) { throw "A writer failed (module $($module.ExitCode), reference $($reference.ExitCode))." }

    $seenByPython = $pythonCounter | & $python - $referenceDirectory $Directory $Count | ConvertFrom-Json
    $servedScript = "Import-Module '$manifest'; `$m = 0; `$p = 0; foreach (`$i in 0..$($Count - 1)) { if (`$null -ne (Get-CachedResponse -Key `"module `$i`" -Path '$Directory')) { `$m++ }; if (`$null -ne (Get-CachedResponse -Key `"python `$i`" -Path '$Directory')) { `$p++ } }; `"`$m `$p`""
    $served = (& $pwsh @pwshPrefix -NoProfile -NonInteractive -Command $servedScript) -split ' '
    [pscustomobject]@{
        Size = $Kind
        PythonKeptByFile = $seenByPython.python
        ModuleKeptByFile = $seenByPython.module
        PythonServed = [int] $served[1]
        ModuleServed = [int] $served[0]
        Of = $Count
    }
}

$results = foreach ($kind in $Size) {
    foreach ($round in 1..$Rounds) {
        $root = Join-Path $WorkDirectory "sharing-race-$([guid]::NewGuid().ToString('N'))"
        $directory = Join-Path $root 'cache'
        $null = New-Item -ItemType Directory -Path $directory -Force
        try {
            Invoke-Round -Directory $directory -Kind $kind | Add-Member -NotePropertyName Round -NotePropertyValue $round -PassThru
        } finally {
            Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction Ignore
        }
    }
}
if ($ResultFile) {
    [ordered]@{ LongLived = [bool] $LongLived; Count = $Count; Rounds = @($results) } | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
} else {
    $results
}
