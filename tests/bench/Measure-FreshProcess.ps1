<#
.SYNOPSIS
    What a new process costs, as a user feels it: whole fresh pwsh processes timed from outside, the first
    Import-Module of the module, and the memory a loaded 20,000-entry cache takes. Writes JSON.
.DESCRIPTION
    Scheduled job: the wall time of a fresh 'pwsh -NoProfile -NonInteractive -Command' that imports the module and
    gets one hit from a 2,000-entry cache, against one that only calls Get-Date, and against one that imports
    Microsoft.PowerShell.Security and calls Get-ExecutionPolicy (any binary module's share); the pairs alternate which runs
    first, and one unrecorded pair warms the disk cache. Import: the first Import-Module of the module, against that
    of Microsoft.PowerShell.Security (a binary module PowerShell ships and does not load at start-up), each in its
    own fresh process, timed inside it, alternated the same way. Ratios are the medians of the per-pair ratios, so
    noise that lasts longer than a pair hits both sides alike.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $JobEntries = 2000,
    [int] $Pairs = 15,
    [int] $MemoryEntries = 20000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
. (Join-Path $PSScriptRoot 'FreshPwsh.ps1')
Import-Module $ModuleManifest

$payload = 'x' * 1024
$key = 'model|prompt|fill 0'

function New-FilledCache {
    param([int] $Entries)
    $directory = Join-Path $WorkDirectory "fresh-$Entries-$([guid]::NewGuid().ToString('N'))"
    0..($Entries - 1) | ForEach-Object { [pscustomobject]@{ Key = "model|prompt|fill $_"; Response = $payload } } |
        Set-CachedResponse -Path $directory -MaxEntries $Entries
    $directory
}

# The whole process, from before it starts to after it exits.
$wallTime = {
    param([string] $Command)
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $null = Invoke-FreshPwsh -Arguments @('-Command', $Command)
    ([Diagnostics.Stopwatch]::GetTimestamp() - $t0) * 1000.0 / [Diagnostics.Stopwatch]::Frequency
}
# The Import-Module statement alone, timed inside the fresh process, which prints it.
$importTime = {
    param([string] $Module)
    $probe = "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module $Module; `$t.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)"
    [double]::Parse((Invoke-FreshPwsh -Arguments @('-Command', $probe)), [cultureinfo]::InvariantCulture)
}

$jobCache = New-FilledCache -Entries $JobEntries
$job = "Import-Module $(ConvertTo-Literal $ModuleManifest); if (`$null -eq (Get-CachedResponse -Key $(ConvertTo-Literal $key) -Path $(ConvertTo-Literal $jobCache))) { exit 3 }"
$scheduledJob = Measure-Pairs -Command $job -Baseline '$null = Get-Date' -Pairs $Pairs -Measure $wallTime
$scheduledJob.Entries = $JobEntries

$securityModule = Join-Path $PSHOME 'Modules/Microsoft.PowerShell.Security/Microsoft.PowerShell.Security.psd1'
# The same job shape with a binary module PowerShell ships: what any module's import and first cmdlet call cost.
$binaryModuleJob = "Import-Module $(ConvertTo-Literal $securityModule); `$null = Get-ExecutionPolicy"
$scheduledJobAgainstBinaryModule = Measure-Pairs -Command $job -Baseline $binaryModuleJob -Pairs $Pairs -Measure $wallTime
$import = Measure-Pairs -Command (ConvertTo-Literal $ModuleManifest) -Baseline (ConvertTo-Literal $securityModule) -Pairs $Pairs -Measure $importTime

$warmupCache = New-FilledCache -Entries 1
$memoryCache = New-FilledCache -Entries $MemoryEntries
$memory = Invoke-FreshPwsh -Arguments @('-File', (Join-Path $PSScriptRoot 'ResidentMemoryProbe.ps1'),
    '-ModuleManifest', $ModuleManifest, '-WarmupDirectory', $warmupCache, '-CacheDirectory', $memoryCache, '-Key', $key) | ConvertFrom-Json

$jobCache, $warmupCache, $memoryCache | Remove-Item -Recurse -Force
[ordered]@{
    ScheduledJob = $scheduledJob
    ScheduledJobAgainstBinaryModule = $scheduledJobAgainstBinaryModule
    Import = $import
    Memory = [ordered]@{
        Entries = $MemoryEntries
        JsonBytes = $memory.JsonBytes
        WorkingSetDeltaBytes = $memory.WorkingSetDeltaBytes
        ManagedHeapDeltaBytes = $memory.ManagedHeapDeltaBytes
    }
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
