<#
.SYNOPSIS
    What a new process pays: the first call on an existing 2,000-entry cache, and the memory a loaded
    20,000-entry cache takes; each probe runs in its own fresh pwsh. Writes JSON.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $FirstCallEntries = 2000,
    [int] $FirstCallProcesses = 7,
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

$firstCallCache = New-FilledCache -Entries $FirstCallEntries
$warmupCache = New-FilledCache -Entries 1
$probe = Join-Path $PSScriptRoot 'FirstCallProbe.ps1'
$cold = foreach ($n in 1..$FirstCallProcesses) {
    Invoke-FreshPwsh -Arguments @('-File', $probe, '-ModuleManifest', $ModuleManifest, '-CacheDirectory', $firstCallCache, '-Key', $key) | ConvertFrom-Json
}
# What the first call of any compiled cmdlet costs in a process this young: the floor under ours.
$getDate = foreach ($n in 1..$FirstCallProcesses) {
    Invoke-FreshPwsh -Arguments @('-File', $probe, '-GetDateBaseline') | ConvertFrom-Json
}
# The same first call after one on a one-entry cache: what is left once the code is loaded is reading the data.
$codeWarm = foreach ($n in 1..$FirstCallProcesses) {
    Invoke-FreshPwsh -Arguments @('-File', $probe, '-ModuleManifest', $ModuleManifest, '-CacheDirectory', $firstCallCache, '-Key', $key,
        '-WarmupDirectory', $warmupCache) | ConvertFrom-Json
}

$memoryCache = New-FilledCache -Entries $MemoryEntries
$memory = Invoke-FreshPwsh -Arguments @('-File', (Join-Path $PSScriptRoot 'ResidentMemoryProbe.ps1'),
    '-ModuleManifest', $ModuleManifest, '-WarmupDirectory', $warmupCache, '-CacheDirectory', $memoryCache, '-Key', $key) | ConvertFrom-Json

$firstCallCache, $warmupCache, $memoryCache | Remove-Item -Recurse -Force
[ordered]@{
    FirstCall = [ordered]@{
        Entries = $FirstCallEntries
        Processes = $FirstCallProcesses
        FirstCallMs = Get-Median ($cold | ForEach-Object FirstCallMs)
        ImportMs = Get-Median ($cold | ForEach-Object ImportMs)
        JitMs = Get-Median ($cold | ForEach-Object FirstCallJitMs)
        JitMethods = Get-Median ($cold | ForEach-Object FirstCallJitMethods)
        AfterCodeWarmupJitMs = Get-Median ($codeWarm | ForEach-Object FirstCallJitMs)
        GetDateFirstCallMs = Get-Median ($getDate | ForEach-Object FirstCallMs)
        OneEntryFirstCallMs = Get-Median ($codeWarm | ForEach-Object WarmupMs)
        AfterCodeWarmupMs = Get-Median ($codeWarm | ForEach-Object FirstCallMs)
    }
    Memory = [ordered]@{
        Entries = $MemoryEntries
        JsonBytes = $memory.JsonBytes
        WorkingSetDeltaBytes = $memory.WorkingSetDeltaBytes
        ManagedHeapDeltaBytes = $memory.ManagedHeapDeltaBytes
    }
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
