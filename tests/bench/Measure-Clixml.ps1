<#
.SYNOPSIS
    Times what PowerShell users write today: a hashtable saved with Export-Clixml and read with Import-Clixml.
.DESCRIPTION
    Run it in a fresh pwsh. At each size: set = add one entry + Export-Clixml of the whole table; load =
    Import-Clixml; hit = a hashtable lookup, timed side by side with a Get-Date call. Writes JSON.
#>
param(
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int[]] $Entries = @(200, 2000, 20000),
    [int] $Loads = 3,
    [int] $HitIterations = 2000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$payload = 'x' * 1024
$results = [ordered]@{}
foreach ($n in $Entries) {
    $file = Join-Path $WorkDirectory "clixml-$n-$([guid]::NewGuid().ToString('N')).xml"
    $cache = @{}
    foreach ($i in 0..($n - 1)) { $cache["model|prompt|fill $i"] = $payload }
    $cache | Export-Clixml -Path $file

    $sets = [Math]::Max(3, [int](6000 / $n))
    $setTicks = foreach ($i in 1..$sets) {
        $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
        $cache["model|prompt|new $i"] = $payload
        $cache | Export-Clixml -Path $file
        [Diagnostics.Stopwatch]::GetTimestamp() - $t0
    }

    $loadTicks = foreach ($i in 1..$Loads) {
        $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
        $loaded = Import-Clixml -Path $file
        [Diagnostics.Stopwatch]::GetTimestamp() - $t0
    }
    if ($loaded.Count -ne $cache.Count) { throw "Import-Clixml read $($loaded.Count) entries, not $($cache.Count)." }

    $hitTicks = [Collections.Generic.List[double]]::new()
    $dateTicks = [Collections.Generic.List[double]]::new()
    foreach ($i in 1..$HitIterations) {
        $key = "model|prompt|fill $($i % $n)"
        $t0 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = $loaded[$key]
        $t1 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = Get-Date
        $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
        $hitTicks.Add($t1 - $t0); $dateTicks.Add($t2 - $t1)
    }

    $results["$n"] = [ordered]@{
        Sets = $sets
        SetUs = ConvertTo-Microseconds ([long](Get-Median $setTicks))
        LoadMs = (ConvertTo-Microseconds ([long](Get-Median $loadTicks))) / 1000
        HitUs = ConvertTo-Microseconds ([long](Get-Median $hitTicks.ToArray()))
        GetDateUs = ConvertTo-Microseconds ([long](Get-Median $dateTicks.ToArray()))
        FileBytes = (Get-Item $file).Length
    }
    Remove-Item $file
}
$results | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
