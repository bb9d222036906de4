<#
.SYNOPSIS
    Runs inside a fresh pwsh: imports the module, then times the first Get-CachedResponse on an existing cache.
.DESCRIPTION
    With -WarmupDirectory, a first call on that (small) cache runs before, so the measured call finds the code
    already loaded and compiled and what remains is reading the data. With -GetDateBaseline, the first Get-Date
    is timed the same way instead: what the first call of any compiled cmdlet costs in a process this young.
    The JIT's own count of what it compiled during the measured call is reported too; it is read outside the
    timed window, whose only other statements are the two timestamps. Prints one JSON line, in milliseconds.
#>
[CmdletBinding(DefaultParameterSetName = 'Cache')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Cache')] [string] $ModuleManifest,
    [Parameter(Mandatory, ParameterSetName = 'Cache')] [string] $CacheDirectory,
    [Parameter(Mandatory, ParameterSetName = 'Cache')] [string] $Key,
    [Parameter(ParameterSetName = 'Cache')] [string] $WarmupDirectory,
    [Parameter(Mandatory, ParameterSetName = 'GetDate')] [switch] $GetDateBaseline
)

$ErrorActionPreference = 'Stop'
$ms = 1000.0 / [Diagnostics.Stopwatch]::Frequency
$t0 = [Diagnostics.Stopwatch]::GetTimestamp()
if ($GetDateBaseline) { Import-Module Microsoft.PowerShell.Utility } else { Import-Module $ModuleManifest }
$imported = [Diagnostics.Stopwatch]::GetTimestamp()
$warmupMs = $null
if ($WarmupDirectory) {
    $null = Get-CachedResponse -Key $Key -Path $WarmupDirectory
    $warmupMs = ([Diagnostics.Stopwatch]::GetTimestamp() - $imported) * $ms
}
$jitBefore = [Runtime.JitInfo]::GetCompilationTime($true).TotalMilliseconds
$methodsBefore = [Runtime.JitInfo]::GetCompiledMethodCount($true)
if ($GetDateBaseline) {
    $t1 = [Diagnostics.Stopwatch]::GetTimestamp()
    $response = Get-Date -Format o
    $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
}
else {
    $t1 = [Diagnostics.Stopwatch]::GetTimestamp()
    $response = Get-CachedResponse -Key $Key -Path $CacheDirectory
    $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
}
$jitMs = [Runtime.JitInfo]::GetCompilationTime($true).TotalMilliseconds - $jitBefore
$jitMethods = [Runtime.JitInfo]::GetCompiledMethodCount($true) - $methodsBefore
if ($null -eq $response) { throw "The first call returned nothing: $(if ($GetDateBaseline) { 'Get-Date' } else { "a miss on '$Key' in '$CacheDirectory'" })." }

[ordered]@{
    ImportMs = ($imported - $t0) * $ms
    WarmupMs = $warmupMs
    FirstCallMs = ($t2 - $t1) * $ms
    FirstCallJitMs = $jitMs
    FirstCallJitMethods = $jitMethods
} | ConvertTo-Json -Compress
