<#
.SYNOPSIS
    Times the cmdlets of the built module, each side by side with a Get-Date call in the same loop; writes JSON.
.DESCRIPTION
    Run it in a fresh pwsh. Every iteration times one cmdlet call and one Get-Date call (their order alternates),
    each invoked the same way (a scriptblock taking the iteration number), so machine noise hits both alike; the result is the median per call of each and their ratio.
    The pipeline case times 5,000 items piped into one Set-CachedResponse against 5,000 Get-Date calls.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $Iterations = 2000,
    [int] $SetIterations = 400,
    [int] $Rounds = 3,
    [int] $PipelineItems = 5000,
    [int] $PipelineRounds = 9
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
Import-Module $ModuleManifest

$payload = 'x' * 1024
$cacheEntries = 2000

# Each call against a Get-Date call invoked the same way, so the scriptblock invocation costs both sides the same.
function Measure-SideBySide {
    param([scriptblock] $Call, [int] $Count, [int] $RoundCount)
    $m = Measure-AgainstBaseline -Call $Call -Baseline { param($i) Get-Date } -Count $Count -RoundCount $RoundCount
    [ordered]@{ Calls = $m.Calls; MedianUs = $m.MedianUs; GetDateUs = $m.BaselineUs; Ratio = $m.Ratio }
}

$directory = Join-Path $WorkDirectory "cmdlets-$([guid]::NewGuid().ToString('N'))"
$fill = foreach ($n in 0..($cacheEntries - 1)) { [pscustomobject]@{ Key = "model|prompt|fill $n"; Response = $payload } }
$fill | Set-CachedResponse -Path $directory -MaxEntries $cacheEntries
$keys = [string[]] ($fill | ForEach-Object Key)

$results = [ordered]@{}
$results.Hit = Measure-SideBySide -Count $Iterations -RoundCount $Rounds -Call {
    param($i) Get-CachedResponse -Key $keys[$i % $cacheEntries] -Path $directory
}
$results.Miss = Measure-SideBySide -Count $Iterations -RoundCount $Rounds -Call {
    param($i) Get-CachedResponse -Key "model|prompt|absent $i" -Path $directory
}
$results.SetAtCap = Measure-SideBySide -Count $SetIterations -RoundCount $Rounds -Call {
    param($i) Set-CachedResponse -Key "model|prompt|new $i" -Response $payload -Path $directory -MaxEntries $cacheEntries
}
# Not a cmdlet: the provider path resolution every ResponseCache cmdlet runs on -Path (or the default folder).
$results.PathResolution = Measure-SideBySide -Count $Iterations -RoundCount $Rounds -Call {
    param($i) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($directory)
}

# Also piped into a cap of 1: the same per-item work, but the write at the end holds one entry instead of 5,000,
# which shows how much of the pipeline is that final write.
$pipelineTicks = [Collections.Generic.List[double]]::new()
$tinyWriteTicks = [Collections.Generic.List[double]]::new()
$pipelineDateTicks = [Collections.Generic.List[double]]::new()
$items = foreach ($n in 1..$PipelineItems) { [pscustomobject]@{ Key = "model|prompt|piped $n"; Response = $payload } }
for ($round = 0; $round -lt $PipelineRounds; $round++) {
    $pipelineDirectory = Join-Path $WorkDirectory "pipeline-$round-$([guid]::NewGuid().ToString('N'))"
    $tinyDirectory = Join-Path $WorkDirectory "pipeline-tiny-$round-$([guid]::NewGuid().ToString('N'))"
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $items | Set-CachedResponse -Path $pipelineDirectory -MaxEntries $PipelineItems
    $t1 = [Diagnostics.Stopwatch]::GetTimestamp()
    foreach ($n in 1..$PipelineItems) { $null = Get-Date }
    $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
    $items | Set-CachedResponse -Path $tinyDirectory -MaxEntries 1
    $t3 = [Diagnostics.Stopwatch]::GetTimestamp()
    $pipelineTicks.Add(($t1 - $t0) / $PipelineItems); $pipelineDateTicks.Add(($t2 - $t1) / $PipelineItems); $tinyWriteTicks.Add(($t3 - $t2) / $PipelineItems)
    Remove-Item $pipelineDirectory, $tinyDirectory -Recurse -Force
}
$perItemUs = ConvertTo-Microseconds ([long](Get-Median $pipelineTicks.ToArray()))
$dateUs = ConvertTo-Microseconds ([long](Get-Median $pipelineDateTicks.ToArray()))
$results.Pipeline = [ordered]@{
    Items = $PipelineItems
    Rounds = $PipelineRounds
    PerItemUs = $perItemUs
    GetDateUs = $dateUs
    Ratio = $perItemUs / $dateUs
    CapOnePerItemUs = ConvertTo-Microseconds ([long](Get-Median $tinyWriteTicks.ToArray()))
}

Remove-Item $directory -Recurse -Force
$results | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
