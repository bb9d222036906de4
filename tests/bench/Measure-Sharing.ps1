<#
.SYNOPSIS
    Sharing a cache with the Python reference: how soon it sees the module's writes, what the exit's fold costs, and
    what background folding costs a write burst. Writes JSON.
.DESCRIPTION
    Fold latency: a fresh pwsh makes a burst of one-call Set-CachedResponse sets (new keys) on a cache of N entries of
    1 KB and stays alive; a Python process watches ai_responses.json (a stat every 2 ms; on each change a fresh
    CacheManager, the reference's own load, which writes nothing) until the burst's last key is in it. The latency is
    the time from the return of the burst's last set to that load's start, both read from the machine's clock.
    Exit: a fresh pwsh pipes 5,000 new items into one Set-CachedResponse on a 2,000-entry cache and exits, right away
    (the fold is pending at exit) or once the background fold has run (its wait taken off the wall time); whether a
    fresh CacheManager then finds all 5,000 in ai_responses.json, the process's wall time and the time from its last
    statement to its end, in pairs alternating which runs first.
    Burst cost: a fresh pwsh makes -BurstSets one-call sets, each timed, with the default fold delay (background folds
    come due during the burst) and with a fold delay of an hour (none comes due; the one left runs at exit, untimed),
    in pairs alternating which runs first. Both keep the journal's own rule (a journal larger than a quarter of
    ai_responses.json is folded by the set that outgrows it), so the difference is what the background folds cost or
    save. Every set is followed by a stat of ai_responses.json in both, which counts the rewrites.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int[]] $Entries = @(2000, 20000),
    [int] $LatencyRounds = 3,
    # One set is the longest wait after the last write (the fold is due a delay after a burst's first change).
    [int[]] $LatencyBursts = @(1, 200),
    [int] $PipelineItems = 5000,
    [int] $PipelineEntries = 2000,
    [int] $ExitPairs = 4,
    [int] $BurstSets = 2000,
    [int] $BurstPairs = 4,
    [string] $Python = $(if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' })
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
. (Join-Path $PSScriptRoot 'FreshPwsh.ps1')

$manifest = (Resolve-Path -LiteralPath $ModuleManifest).Path
Import-Module $manifest
$referenceDirectory = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../reference')).Path
$python = (Get-Command $Python -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$pwsh = [Environment]::ProcessPath
[string[]] $pwshPrefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
$payload = 'x' * 1024
$unixNow = '[DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0'
$foldDelay = [ResponseCache.Core.DirectoryCacheOptions]::DefaultFoldDelay.TotalSeconds

$watcher = @'
import os, sys, time
sys.path.insert(0, sys.argv[1])
from cache_manager import CacheManager
directory, key, deadline = sys.argv[2], sys.argv[3], time.time() + float(sys.argv[4])
path = os.path.join(directory, 'ai_responses.json')
seen, loads = None, 0
while time.time() < deadline:
    try:
        st = os.stat(path)
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
    except FileNotFoundError:
        identity = None
    if identity != seen:
        seen = identity
        started = time.time()
        cm = CacheManager(directory, max_entries=10**9, ttl_days=7, quiet=True)
        loads += 1
        if cm.cache.get(cm._generate_key(key)) is not None:
            print(f'{started!r} {time.time() - started!r} {loads}')
            sys.exit(0)
    time.sleep(0.002)
sys.exit('The key never reached ai_responses.json.')
'@

$counter = @'
import sys
sys.path.insert(0, sys.argv[1])
from cache_manager import CacheManager
cm = CacheManager(sys.argv[2], max_entries=10**9, ttl_days=7, quiet=True)
print(sum(1 for i in range(int(sys.argv[4])) if cm.cache.get(cm._generate_key(f'{sys.argv[3]} {i}')) is not None))
'@
$watcherFile = Join-Path $WorkDirectory 'sharing-watcher.py'
$counterFile = Join-Path $WorkDirectory 'sharing-counter.py'
Set-Content -LiteralPath $watcherFile -Value $watcher
Set-Content -LiteralPath $counterFile -Value $counter

function New-FilledCache([int] $Count) {
    $directory = Join-Path $WorkDirectory "sharing-$Count-$([guid]::NewGuid().ToString('N'))"
    0..($Count - 1) | ForEach-Object { [pscustomobject]@{ Key = "model|prompt|fill $_"; Response = $payload } } |
        Set-CachedResponse -Path $directory -MaxEntries 1000000
    $directory
}

# A copy of a filled cache for one process: every process starts from the same files.
function Copy-Cache([string] $Directory) {
    $copy = "$Directory-$([guid]::NewGuid().ToString('N'))"
    Copy-Item -LiteralPath $Directory -Destination $copy -Recurse
    $copy
}

function Start-FreshPwsh([string] $Script, [string] $Output) {
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    Start-Process -FilePath $pwsh -ArgumentList (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) `
        -RedirectStandardOutput $Output -PassThru -NoNewWindow
}

function Get-SharedCount([string] $Directory, [string] $Prefix, [int] $Count) {
    [int] (& $python $counterFile $referenceDirectory $Directory $Prefix $Count)
}

function Measure-FoldLatency([string] $Filled, [int] $Burst, [int] $Round) {
    $directory = Copy-Cache $Filled
    $started = Join-Path $directory '..' "started-$Round"
    $stop = Join-Path $directory '..' "stop-$Round"
    $output = Join-Path $WorkDirectory "latency-$Round.txt"
    $lastKey = "burst $($Burst - 1)"
    $script = @"
Import-Module '$manifest'
`$null = Get-CacheStats -Path '$directory'
New-Item -ItemType File -Path '$started' | Out-Null
`$first = $unixNow
foreach (`$i in 0..$($Burst - 1)) { Set-CachedResponse -Key "burst `$i" -Response '$payload' -Path '$directory' -MaxEntries 1000000 }
`$last = $unixNow
"`$first `$last"
while (-not (Test-Path '$stop')) { Start-Sleep -Milliseconds 10 }
"@
    $writer = Start-FreshPwsh -Script $script -Output $output
    try {
        while (-not (Test-Path $started)) { if ($writer.HasExited) { throw 'The writer ended before its burst.' }; Start-Sleep -Milliseconds 5 }
        $seen = (& $python $watcherFile $referenceDirectory $directory $lastKey 60) -split ' '
        if ($LASTEXITCODE -ne 0) { throw "The watcher did not see '$lastKey'." }
    } finally {
        New-Item -ItemType File -Path $stop -Force | Out-Null
        $writer.WaitForExit()
    }
    $first, $last = [double[]] ((Get-Content $output | Select-Object -First 1) -split ' ')
    Remove-Item -LiteralPath $directory, $started, $stop, $output -Recurse -Force
    [ordered]@{
        BurstSeconds = $last - $first
        LatencySeconds = [double] $seen[0] - $last
        SinceFirstSetSeconds = [double] $seen[0] - $first
        ReferenceLoadSeconds = [double] $seen[1]
    }
}

# The process ends right after its pipeline, with the fold pending, or once the background fold has run (a wait of the
# fold delay and 2 s more, taken off its wall time): the difference is what the exit's fold costs.
function Measure-Exit([string] $Filled, [bool] $FoldPending) {
    $directory = Copy-Cache $Filled
    $output = Join-Path $WorkDirectory 'exit.txt'
    $journal = Join-Path $directory 'ai_responses.json.journal'
    $wait = if ($FoldPending) { '$waitMs = 0' } else { "`$waitMs = $(($foldDelay + 2) * 1000); Start-Sleep -Milliseconds `$waitMs" }
    $script = @"
Import-Module '$manifest'
0..$($PipelineItems - 1) | ForEach-Object { [pscustomobject]@{ Key = "piped `$_"; Response = '$payload' } } | Set-CachedResponse -Path '$directory' -MaxEntries 1000000
$wait
"`$waitMs `$(if (Test-Path '$journal') { (Get-Item '$journal').Length } else { 0 })"
$unixNow
"@
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $process = Start-FreshPwsh -Script $script -Output $output
    $process.WaitForExit()
    $wallMs = ([Diagnostics.Stopwatch]::GetTimestamp() - $t0) * 1000.0 / [Diagnostics.Stopwatch]::Frequency
    $exitedAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0
    if ($process.ExitCode -ne 0) { throw "The pipeline process failed with exit code $($process.ExitCode)." }
    $waitMs, $journalBytes = [double[]] ((Get-Content $output | Select-Object -Last 2 | Select-Object -First 1) -split ' ')
    $readyToExit = [double] (Get-Content $output | Select-Object -Last 1)
    $inFile = Get-SharedCount -Directory $directory -Prefix 'piped' -Count $PipelineItems
    Remove-Item -LiteralPath $directory, $output -Recurse -Force
    [ordered]@{ WallMs = $wallMs - $waitMs; ExitMs = ($exitedAt - $readyToExit) * 1000; JournalBytesAtExit = $journalBytes; InFile = $inFile }
}

function Measure-Burst([string] $Filled, [string] $FoldDelaySeconds) {
    $directory = Copy-Cache $Filled
    $output = Join-Path $WorkDirectory 'burst.txt'
    $snapshot = Join-Path $directory 'ai_responses.json'
    $script = @"
`$env:RESPONSECACHE_FOLD_DELAY_SECONDS = '$FoldDelaySeconds'
Import-Module '$manifest'
`$null = Get-CacheStats -Path '$directory'
`$ticks = [long[]]::new($BurstSets)
`$rewrites = 0; `$seen = [IO.File]::GetLastWriteTimeUtc('$snapshot')
`$t0 = [Diagnostics.Stopwatch]::GetTimestamp()
for (`$i = 0; `$i -lt $BurstSets; `$i++) {
    `$s = [Diagnostics.Stopwatch]::GetTimestamp()
    Set-CachedResponse -Key "burst `$i" -Response '$payload' -Path '$directory' -MaxEntries 1000000
    `$ticks[`$i] = [Diagnostics.Stopwatch]::GetTimestamp() - `$s
    `$now = [IO.File]::GetLastWriteTimeUtc('$snapshot'); if (`$now -ne `$seen) { `$rewrites++; `$seen = `$now }
}
`$total = [Diagnostics.Stopwatch]::GetTimestamp() - `$t0
[Array]::Sort(`$ticks)
`$us = 1e6 / [Diagnostics.Stopwatch]::Frequency
'{0} {1} {2} {3} {4}' -f (`$total * `$us), (`$ticks[[int](`$ticks.Length / 2)] * `$us), (`$ticks[[int](`$ticks.Length * 0.99)] * `$us), (`$ticks[-1] * `$us), `$rewrites
"@
    $process = Start-FreshPwsh -Script $script -Output $output
    $process.WaitForExit()
    if ($process.ExitCode -ne 0) { throw "The burst process failed with exit code $($process.ExitCode)." }
    $totalUs, $medianUs, $p99Us, $maxUs, $rewrites = [double[]] ((Get-Content $output | Select-Object -Last 1) -split ' ')
    Remove-Item -LiteralPath $directory, $output -Recurse -Force
    [ordered]@{ SetsPerSecond = $BurstSets / ($totalUs / 1e6); MedianUs = $medianUs; P99Us = $p99Us; MaxUs = $maxUs; Rewrites = $rewrites }
}

function Get-Summary($Samples, [string] $Name) { Get-Median @($Samples | ForEach-Object { $_[$Name] }) }

$result = [ordered]@{ FoldDelaySeconds = $foldDelay; Latency = [ordered]@{}; Burst = [ordered]@{} }
foreach ($n in $Entries) {
    $filled = New-FilledCache -Count $n
    try {
        $result.Latency["$n"] = [ordered]@{}
        foreach ($burst in $LatencyBursts) {
            $rounds = @(foreach ($round in 1..$LatencyRounds) { Measure-FoldLatency -Filled $filled -Burst $burst -Round $round })
            $result.Latency["$n"]["$burst"] = [ordered]@{
                Rounds = $LatencyRounds
                MedianSeconds = Get-Summary $rounds 'LatencySeconds'
                MaxSeconds = ($rounds | ForEach-Object { $_.LatencySeconds } | Measure-Object -Maximum).Maximum
                MaxSinceFirstSetSeconds = ($rounds | ForEach-Object { $_.SinceFirstSetSeconds } | Measure-Object -Maximum).Maximum
                MedianBurstSeconds = Get-Summary $rounds 'BurstSeconds'
                MedianReferenceLoadSeconds = Get-Summary $rounds 'ReferenceLoadSeconds'
                Samples = $rounds
            }
        }

        $due = [Collections.Generic.List[object]]::new(); $notDue = [Collections.Generic.List[object]]::new()
        foreach ($pair in 0..($BurstPairs - 1)) {
            if ($pair % 2) { $notDue.Add((Measure-Burst $filled '3600')); $due.Add((Measure-Burst $filled '2')) }
            else { $due.Add((Measure-Burst $filled '2')); $notDue.Add((Measure-Burst $filled '3600')) }
        }
        $ratios = for ($pair = 0; $pair -lt $BurstPairs; $pair++) { $due[$pair].SetsPerSecond / $notDue[$pair].SetsPerSecond }
        $result.Burst["$n"] = [ordered]@{
            Sets = $BurstSets
            Pairs = $BurstPairs
            FoldsDue = [ordered]@{ SetsPerSecond = Get-Summary $due 'SetsPerSecond'; MedianUs = Get-Summary $due 'MedianUs'; P99Us = Get-Summary $due 'P99Us'; MaxUs = Get-Summary $due 'MaxUs'; Rewrites = Get-Summary $due 'Rewrites' }
            FoldsNotDue = [ordered]@{ SetsPerSecond = Get-Summary $notDue 'SetsPerSecond'; MedianUs = Get-Summary $notDue 'MedianUs'; P99Us = Get-Summary $notDue 'P99Us'; MaxUs = Get-Summary $notDue 'MaxUs'; Rewrites = Get-Summary $notDue 'Rewrites' }
            Ratio = Get-Median $ratios
        }
    } finally {
        Remove-Item -LiteralPath $filled -Recurse -Force
    }
}

$filled = New-FilledCache -Count $PipelineEntries
try {
    $null = Measure-Exit -Filled $filled -FoldPending $true
    $pending = [Collections.Generic.List[object]]::new(); $done = [Collections.Generic.List[object]]::new()
    foreach ($pair in 0..($ExitPairs - 1)) {
        if ($pair % 2) { $done.Add((Measure-Exit $filled $false)); $pending.Add((Measure-Exit $filled $true)) }
        else { $pending.Add((Measure-Exit $filled $true)); $done.Add((Measure-Exit $filled $false)) }
    }
    $summary = {
        param($Samples)
        [ordered]@{
            WallMs = Get-Summary $Samples 'WallMs'
            ExitMs = Get-Summary $Samples 'ExitMs'
            JournalBytesAtExit = Get-Summary $Samples 'JournalBytesAtExit'
            MinInFile = ($Samples | ForEach-Object { $_.InFile } | Measure-Object -Minimum).Minimum
        }
    }
    $result.Exit = [ordered]@{
        Items = $PipelineItems
        Entries = $PipelineEntries
        Pairs = $ExitPairs
        FoldPending = & $summary $pending
        FoldDone = & $summary $done
        WallRatio = Get-Median @(for ($pair = 0; $pair -lt $ExitPairs; $pair++) { $pending[$pair].WallMs / $done[$pair].WallMs })
    }
} finally {
    Remove-Item -LiteralPath $filled -Recurse -Force
}

Remove-Item -LiteralPath $watcherFile, $counterFile
$result | ConvertTo-Json -Depth 6 | Set-Content -Path $ResultFile -Encoding utf8
