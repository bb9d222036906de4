<#
.SYNOPSIS
    Times the Python reference (tests/reference/bench_seed.py) at each cache size; writes JSON.
.DESCRIPTION
    bench_seed.py fills N entries of 1 KB at a cap of N, times sets that each evict, hits, and a fresh
    CacheManager's load, and prints the medians. It runs several times per size; the medians of its medians are kept.
    Its temporary folders go to WorkDirectory (TMPDIR), on the same disk the engine benchmarks write to.
#>
param(
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int[]] $Entries = @(200, 2000, 20000),
    [int] $Runs = 3
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$seed = Join-Path $PSScriptRoot '../reference/bench_seed.py'
$python = (Get-Command python3 -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$previousTemp = $env:TMPDIR
$referenceTemp = Join-Path $WorkDirectory "reference-$([guid]::NewGuid().ToString('N'))"
$null = New-Item $referenceTemp -ItemType Directory -Force
$env:TMPDIR = $referenceTemp
try {
    $results = [ordered]@{ Python = (& $python --version) -replace '^Python\s*', '' }
    foreach ($n in $Entries) {
        # Fewer sets for big caches: each of the reference's sets rewrites the whole file.
        $sets = [Math]::Max(5, [int](20000 / $n))
        $samples = foreach ($run in 1..$Runs) {
            $line = & $python $seed $n 1024 $sets 2000
            if ($LASTEXITCODE -ne 0) { throw "bench_seed.py $n failed with exit code $LASTEXITCODE." }
            $set, $get, $load = [double[]] ($line.Trim() -split '\s+')
            [pscustomobject]@{ SetUs = $set; GetUs = $get; LoadMs = $load }
        }
        $results["$n"] = [ordered]@{
            Sets = $sets
            Runs = $Runs
            SetUs = Get-Median ($samples | ForEach-Object SetUs)
            HitUs = Get-Median ($samples | ForEach-Object GetUs)
            LoadMs = Get-Median ($samples | ForEach-Object LoadMs)
        }
    }
} finally {
    $env:TMPDIR = $previousTemp
    Remove-Item $referenceTemp -Recurse -Force -ErrorAction SilentlyContinue
}
$results | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
