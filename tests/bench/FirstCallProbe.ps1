<#
.SYNOPSIS
    Runs inside a fresh pwsh: imports the module, then times the first Get-CachedResponse on an existing cache.
.DESCRIPTION
    With -WarmupDirectory, a first call on that (small) cache runs before, so the measured call finds the code
    already loaded and compiled and what remains is reading the data. The JIT's own count of the time it spent
    compiling during the measured call is reported too. Prints one JSON line, in milliseconds.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $CacheDirectory,
    [Parameter(Mandatory)] [string] $Key,
    [string] $WarmupDirectory
)

$ErrorActionPreference = 'Stop'
$ms = 1000.0 / [Diagnostics.Stopwatch]::Frequency
$t0 = [Diagnostics.Stopwatch]::GetTimestamp()
Import-Module $ModuleManifest
$t1 = [Diagnostics.Stopwatch]::GetTimestamp()
$warmupMs = $null
if ($WarmupDirectory) {
    $null = Get-CachedResponse -Key $Key -Path $WarmupDirectory
    $warmupMs = ([Diagnostics.Stopwatch]::GetTimestamp() - $t1) * $ms
    $t1 = [Diagnostics.Stopwatch]::GetTimestamp()
}
$jitBefore = [Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds
$methodsBefore = [Runtime.JitInfo]::GetCompiledMethodCount()
$response = Get-CachedResponse -Key $Key -Path $CacheDirectory
$t2 = [Diagnostics.Stopwatch]::GetTimestamp()
$jitMs = [Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds - $jitBefore
$jitMethods = [Runtime.JitInfo]::GetCompiledMethodCount() - $methodsBefore
if ($null -eq $response) { throw "The first call missed '$Key' in '$CacheDirectory'." }

[ordered]@{
    ImportMs = ($t1 - $t0) * $ms
    WarmupMs = $warmupMs
    FirstCallMs = ($t2 - $t1) * $ms
    FirstCallJitMs = $jitMs
    FirstCallJitMethods = $jitMethods
} | ConvertTo-Json -Compress
