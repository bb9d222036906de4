<#
.SYNOPSIS
    Runs inside a fresh pwsh: how much a loaded cache adds to the process, against its JSON on disk.
.DESCRIPTION
    A one-entry cache is read first, so the module's code is loaded and compiled before the measurement; then
    the working set and the managed heap are taken, after full collections, before and after the first call on
    the big cache. Prints one JSON line.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WarmupDirectory,
    [Parameter(Mandatory)] [string] $CacheDirectory,
    [Parameter(Mandatory)] [string] $Key
)

$ErrorActionPreference = 'Stop'

function Get-SettledMemory {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    @{ WorkingSet = $process.WorkingSet64; Managed = [GC]::GetTotalMemory($true) }
}

Import-Module $ModuleManifest
$null = Get-CachedResponse -Key $Key -Path $WarmupDirectory
$before = Get-SettledMemory
$response = Get-CachedResponse -Key $Key -Path $CacheDirectory
$after = Get-SettledMemory
if ($null -eq $response) { throw "The first call missed '$Key' in '$CacheDirectory'." }

[ordered]@{
    JsonBytes = (Get-Item (Join-Path $CacheDirectory 'ai_responses.json')).Length
    WorkingSetDeltaBytes = $after.WorkingSet - $before.WorkingSet
    ManagedHeapDeltaBytes = $after.Managed - $before.Managed
} | ConvertTo-Json -Compress
