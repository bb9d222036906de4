<#
.SYNOPSIS
    What the Redis backend costs a user of local caches: the built module as it ships against the same folder without
    the Redis assemblies, each in fresh pwsh processes; and which assemblies a file-cache session loads. Writes JSON.
.DESCRIPTION
    The module folder is copied twice into the work directory; from one copy the assemblies only the Redis backend
    uses are deleted. Then, in pairs of fresh processes alternating which copy goes first (one unrecorded pair
    warms the disk cache): Import-Module plus one Get-CachedResponse hit on a 2,000-entry file cache, timed inside
    the process, and the same process's wall time from outside. Ratios are the medians of the per-pair ratios. Last,
    a fresh process per copy calls every cmdlet on a file cache and lists the assemblies it loaded; a control process
    points one call at Redis, to show the listing sees the Redis assemblies once they are used.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $Entries = 2000,
    [int] $Pairs = 21
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
. (Join-Path $PSScriptRoot 'FreshPwsh.ps1')

# ResponseCache.Redis and what only it depends on (StackExchange.Redis and its own dependencies).
$redisAssemblies = 'ResponseCache.Redis', 'StackExchange.Redis', 'Pipelines.Sockets.Unofficial', 'System.IO.Pipelines',
    'Microsoft.Extensions.Logging.Abstractions', 'System.Threading.Channels'

$root = Join-Path $WorkDirectory "redis-cost-$([guid]::NewGuid().ToString('N'))"

function Copy-Module([string] $Name) {
    $directory = Join-Path $root "$Name/ResponseCache"
    $null = New-Item $directory -ItemType Directory -Force
    Copy-Item (Join-Path (Split-Path $ModuleManifest) '*') $directory -Recurse
    Join-Path $directory (Split-Path $ModuleManifest -Leaf)
}

$withRedis = Copy-Module 'module-with-redis'
$withoutRedis = Copy-Module 'module-without-redis'
$deleted = foreach ($name in $redisAssemblies) {
    $file = Join-Path (Split-Path $withoutRedis) "$name.dll"
    if (-not (Test-Path $file)) { throw "The built module has no $name.dll: the list of Redis-only assemblies is out of date." }
    Remove-Item $file
    "$name.dll"
}

Import-Module $ModuleManifest
$key = 'model|prompt|fill 0'
$cache = Join-Path $root 'cache'
0..($Entries - 1) | ForEach-Object { [pscustomobject]@{ Key = "model|prompt|fill $_"; Response = 'x' * 1024 } } |
    Set-CachedResponse -Path $cache -MaxEntries $Entries

# One process: import and a first hit, timed inside; it prints the milliseconds (exit code 3 on a miss).
function Get-Session([string] $Manifest) {
    "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module $(ConvertTo-Literal $Manifest); " +
    "if (`$null -eq (Get-CachedResponse -Key $(ConvertTo-Literal $key) -Path $(ConvertTo-Literal $cache))) { exit 3 }; " +
    "`$t.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)"
}
$insideTime = {
    param([string] $Command)
    [double]::Parse((Invoke-FreshPwsh -Arguments @('-Command', $Command)), [cultureinfo]::InvariantCulture)
}
$wallTime = {
    param([string] $Command)
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $null = Invoke-FreshPwsh -Arguments @('-Command', $Command)
    ([Diagnostics.Stopwatch]::GetTimestamp() - $t0) * 1000.0 / [Diagnostics.Stopwatch]::Frequency
}
$importAndFirstHit = Measure-Pairs -Command (Get-Session $withRedis) -Baseline (Get-Session $withoutRedis) -Pairs $Pairs -Measure $insideTime
$process = Measure-Pairs -Command (Get-Session $withRedis) -Baseline (Get-Session $withoutRedis) -Pairs $Pairs -Measure $wallTime

function Get-LoadedAssemblies([string] $Manifest, [string] $RedisConnectionString) {
    $probeCache = Join-Path $root "probe-$([guid]::NewGuid().ToString('N'))"
    [string[]] $arguments = @('-File', (Join-Path $PSScriptRoot 'AssemblyLoadProbe.ps1'), '-ModuleManifest', $Manifest,
        '-CacheDirectory', $probeCache, '-WatchedAssemblies', ($redisAssemblies -join ','))
    if ($RedisConnectionString) { $arguments += @('-RedisConnectionString', $RedisConnectionString) }
    Invoke-FreshPwsh -Arguments $arguments | ConvertFrom-Json
}

# A port nothing listens on: the control's call fails fast, after the Redis assemblies are loaded.
$listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
$listener.Start(); $closedPort = $listener.LocalEndpoint.Port; $listener.Stop()
$sessionWith = Get-LoadedAssemblies $withRedis
$sessionWithout = Get-LoadedAssemblies $withoutRedis
$control = Get-LoadedAssemblies $withRedis "127.0.0.1:$closedPort,connectTimeout=500"

Remove-Item $root -Recurse -Force
[ordered]@{
    Entries = $Entries
    RedisAssemblies = $redisAssemblies
    DeletedFiles = $deleted
    ImportAndFirstHit = $importAndFirstHit
    Process = $process
    FileSessionWithRedisAssemblies = $sessionWith
    FileSessionWithoutRedisAssemblies = $sessionWithout
    RedisControlSession = $control
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
