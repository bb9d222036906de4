<#
.SYNOPSIS
    Times python-diskcache, the reference's best-known peer, on the same workload (diskcache_bench.py); writes JSON.
.DESCRIPTION
    At each size and each group of diskcache settings: its defaults (SQLite in WAL mode, synchronous=NORMAL: no fsync
    per set), sqlite_synchronous=2 (FULL: an fsync per set, the durability ResponseCache gives), and that with
    eviction_policy=least-recently-used (the eviction ResponseCache does). Several runs per case; medians of medians.
    The first Python that imports diskcache is used: Debian's /usr/bin/python3 (package python3-diskcache), then
    python3 on PATH. Where none does, the JSON says so and the report skips these rows. Nothing is installed here.
#>
param(
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int[]] $Entries = @(2000, 20000),
    [int] $Runs = 3,
    [int] $Sets = 300,
    [int] $Gets = 1000,
    [int] $Opens = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')

$settingGroups = [ordered]@{
    'defaults' = @()
    'sqlite_synchronous=2' = @('sqlite_synchronous=2')
    'sqlite_synchronous=2, least-recently-used' = @('sqlite_synchronous=2', 'eviction_policy=least-recently-used')
}

function Test-ImportsDiskCache([string] $Python) {
    if (-not (Test-Path $Python)) { return $false }
    & $Python -c 'import diskcache' 2>$null
    $LASTEXITCODE -eq 0
}

$candidates = @('/usr/bin/python3') + @(Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object Source)
$python = $candidates | Where-Object { Test-ImportsDiskCache $_ } | Select-Object -First 1
if (-not $python) {
    [ordered]@{ Available = $false; Reason = "no Python here imports diskcache (tried $($candidates -join ', ')); on Debian: apt-get install python3-diskcache" } |
        ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8
    return
}

$script = Join-Path $PSScriptRoot 'diskcache_bench.py'
$results = [ordered]@{
    Available = $true
    Python = (& $python --version) -replace '^Python\s*', ''
    DiskCache = & $python -c 'import diskcache; print(diskcache.__version__)'
    Sqlite = & $python -c 'import sqlite3; print(sqlite3.sqlite_version)'
    Sets = $Sets; Gets = $Gets; Opens = $Opens; Runs = $Runs
    Cases = [Collections.Generic.List[object]]::new()
}
foreach ($n in $Entries) {
    foreach ($group in $settingGroups.Keys) {
        $samples = foreach ($run in 1..$Runs) {
            $line = & $python $script $WorkDirectory $n $Sets $Gets $Opens @($settingGroups[$group])
            if ($LASTEXITCODE -ne 0) { throw "diskcache_bench.py $n ($group) failed with exit code $LASTEXITCODE." }
            $line | ConvertFrom-Json
        }
        $results.Cases.Add([ordered]@{
            Entries = $n
            Settings = $group
            SetUs = Get-Median ($samples | ForEach-Object SetUs)
            DiskAloneUs = Get-Median ($samples | ForEach-Object DiskAloneUs)
            GetUs = Get-Median ($samples | ForEach-Object GetUs)
            OpenMs = Get-Median ($samples | ForEach-Object OpenMs)
        })
    }
}
$results | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8
