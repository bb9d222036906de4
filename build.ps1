#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the ResponseCache module.
.DESCRIPTION
    Build   (default) Release build, then the module as it ships, in out/ResponseCache.
    Test    Package, then the xunit suite on net10.0 and, when mono is on PATH, on net48 (.NET Framework APIs, as
            Windows PowerShell has them) under Mono, then the Pester suite (in a fresh pwsh) against the packaged
            module; the last line is "Total: N passed, M failed", and the exit code is non-zero on any failure.
            The Redis tests run against Garnet (restored from tests/servers/.config/dotnet-tools.json) and, when it
            is on PATH, redis-server, which the suites start on free loopback ports and stop.
    Demo    Build, then examples/Demo.ps1: a slow simulated AI call, a miss, a hit, the statistics.
    Package Build, then the versioned folder Publish-PSResource takes (out/package/ResponseCache/<version>),
            checked with Test-ModuleManifest. Test runs against this folder.
    Bench   Build, then BenchmarkDotNet over the engine (tests/ResponseCache.Benchmarks), the cmdlets, the Python
            reference, Export-/Import-Clixml, the Redis backend (on servers it starts) and sharing a cache with the
            Python reference side by side (tests/bench), and writes BENCHMARKS.md with the targets met or not. Takes
            about twenty-five minutes.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir 'ResponseCache'
$ResultsDir = Join-Path $OutDir 'test-results'

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Description, [Parameter(Mandatory)] [scriptblock] $Command)
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$Description failed with exit code $LASTEXITCODE." }
}

# A fresh PowerShell of the same version as this one, whether it runs as an executable or as 'dotnet pwsh'.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    & $exe @prefix -NoProfile -NonInteractive @Arguments
}

function Invoke-BuildTask {
    $publishDir = Join-Path $Root 'artifacts/publish'
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $Root 'src/ResponseCache/ResponseCache.csproj') -c $Configuration -o $publishDir --nologo -v quiet }

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $null = New-Item $ModuleDir -ItemType Directory -Force
    Get-ChildItem $publishDir -Filter *.dll | Copy-Item -Destination $ModuleDir
    Copy-Item (Join-Path $Root 'module/*') $ModuleDir -Recurse
    Write-ShippedManifest -Source (Join-Path $Root 'ResponseCache.psd1') -Destination (Join-Path $ModuleDir 'ResponseCache.psd1')
    Write-Host "Module assembled at $ModuleDir"
}

# The source manifest as it ships: with the RootModule it cannot name before a build, and its format file beside it.
function Write-ShippedManifest {
    param([Parameter(Mandatory)] [string] $Source, [Parameter(Mandatory)] [string] $Destination)
    $text = [IO.File]::ReadAllText($Source)
    $shipped = [regex]::new('\A@\{\r?\n').Replace($text, "@{`n    RootModule           = 'ResponseCache.dll'`n", 1)
    if ($shipped -eq $text) { throw "'$Source' does not begin with '@{' on a line of its own, where the RootModule goes." }
    $formats = [regex]::new("'module/(ResponseCache\.format\.ps1xml)'")
    if (-not $formats.IsMatch($shipped)) { throw "'$Source' does not name 'module/ResponseCache.format.ps1xml' in FormatsToProcess." }
    [IO.File]::WriteAllText($Destination, $formats.Replace($shipped, "'`$1'", 1))
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}

# The folder Publish-PSResource -Path takes: <name>/<version>/ holding exactly what Build assembled.
function Invoke-PackageTask {
    Invoke-BuildTask
    $version = (Import-PowerShellDataFile (Join-Path $ModuleDir 'ResponseCache.psd1')).ModuleVersion
    $packageDir = Join-Path $OutDir "package/ResponseCache/$version"
    if (Test-Path (Join-Path $OutDir 'package')) { Remove-Item (Join-Path $OutDir 'package') -Recurse -Force }
    $null = New-Item $packageDir -ItemType Directory -Force
    Copy-Item (Join-Path $ModuleDir '*') $packageDir -Recurse
    $manifest = Test-ModuleManifest (Join-Path $packageDir 'ResponseCache.psd1') -ErrorAction Stop
    Write-Host "Package ResponseCache $($manifest.Version) at $packageDir"
    Join-Path $packageDir 'ResponseCache.psd1'
}

function Get-PesterManifest {
    Invoke-Native 'Pester restore' { dotnet restore (Join-Path $Root 'tests/tools/PesterRestore.csproj') --nologo -v quiet }
    $manifest = Join-Path (Get-NuGetPackagesFolder) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester 5.7.1 was restored but '$manifest' is missing." }
    $manifest
}

function Invoke-TestTask {
    $moduleManifest = Invoke-PackageTask
    if (Test-Path $ResultsDir) { Remove-Item $ResultsDir -Recurse -Force }
    $null = New-Item $ResultsDir -ItemType Directory
    Initialize-RedisTestServers

    $suites = [ordered]@{}
    Write-Host "`n=== xunit: engine (net10.0) ===" -ForegroundColor Cyan
    $suites['xunit (net10.0)'] = Invoke-XunitSuite -Framework 'net10.0'
    $netFramework = 'xunit (net48 on Mono)'
    if (Get-Command mono -CommandType Application -ErrorAction Ignore) {
        Write-Host "`n=== xunit: engine on .NET Framework APIs (net48 on Mono) ===" -ForegroundColor Cyan
        $suites[$netFramework] = Invoke-XunitSuite -Framework 'net48'
    } else {
        Write-Host "`nSkipped: the engine suite on .NET Framework APIs (net48), because mono is not on PATH. To run it, install Mono (Debian/Ubuntu: apt-get install mono-complete)." -ForegroundColor Yellow
    }

    Write-Host "`n=== Pester: the built module ===" -ForegroundColor Cyan
    $pesterResult = Join-Path $ResultsDir 'pester.json'
    $pesterErrors = Join-Path $ResultsDir 'pester.stderr.txt'
    [string[]] $pesterArguments = @('-File', (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'), '-PesterManifest', (Get-PesterManifest),
        '-ModuleManifest', $moduleManifest, '-ResultFile', $pesterResult)
    Invoke-FreshPwsh -Arguments $pesterArguments 2> $pesterErrors
    $suites['Pester'] = Read-PesterResult -ExitCode $LASTEXITCODE -Arguments $pesterArguments -ResultFile $pesterResult -ErrorFile $pesterErrors

    $passed = ($suites.Values | ForEach-Object { $_.Passed } | Measure-Object -Sum).Sum
    $failed = ($suites.Values | ForEach-Object { $_.Failed } | Measure-Object -Sum).Sum
    $notRun = ($suites.Values | ForEach-Object { if ($_.Contains('NotRun')) { $_.NotRun } } | Measure-Object -Sum).Sum
    [string[]] $figures = foreach ($name in $suites.Keys) {
        $suite = $suites[$name]
        "${name}: $($suite.Passed) passed, $($suite.Failed) failed" + $(if ($suite.Contains('NotRun')) { ", $($suite.NotRun) not run (crashed)" })
    }
    if (-not $suites.Contains($netFramework)) { $figures += "${netFramework}: skipped" }
    Write-Host "`n$($figures -join '; ')"
    Write-Host ("Total: $passed passed, $failed failed" + $(if ($notRun) { ", $notRun not run" }))
    if ($failed -gt 0 -or $notRun) { exit 1 }
}

# The Pester run's passed and failed counts. A process that died mid-run (an unhandled exception on a thread-pool thread
# ends it whole) is said to have crashed, with the file it was running and what it printed on its standard error, and
# the tests it did not get to (those of that file and of the files after it) count as not run.
function Read-PesterResult {
    param([int] $ExitCode, [string[]] $Arguments, [string] $ResultFile, [string] $ErrorFile)
    [string[]] $errors = @(Get-Content -LiteralPath $ErrorFile -ErrorAction Ignore)
    $errors | ForEach-Object { Write-Host $_ -ForegroundColor Red }
    if (-not (Test-Path $ResultFile)) {
        Write-Warning "The Pester process (exit code $ExitCode) ended before it ran a test file."
        return @{ Passed = 0; Failed = 1 }
    }

    $progress = Get-Content $ResultFile -Raw | ConvertFrom-Json
    $counts = @{ Passed = [int]$progress.Passed; Failed = [int]$progress.Failed }
    if ($null -eq $progress.Running) { return $counts }

    Invoke-FreshPwsh -Arguments ($Arguments + '-CountNotRun') | Out-Null
    $counted = (Get-Content $ResultFile -Raw | ConvertFrom-Json).PSObject.Properties['NotRun']
    $counts.NotRun = if ($counted) { [int]$counted.Value } else { 0 }
    Write-Host ("`nThe Pester process crashed (exit code $ExitCode) while running $([IO.Path]::GetFileName($progress.Running)): " +
        "$($counts.NotRun) tests in it and in the $(@($progress.NotStarted).Count) files after it did not run.") -ForegroundColor Red
    $exception = $errors | Where-Object { $_ -match 'exception' } | Select-Object -First 1
    if ($exception) { Write-Host "The exception: $exception" -ForegroundColor Red }
    $counts
}

# The servers the Redis tests start on free loopback ports (and stop): Garnet from the tests' own tool manifest, restored
# here only (the demo must not download it), and redis-server whenever it is on PATH. Both suites find Garnet through
# RESPONSECACHE_TEST_GARNET.
function Initialize-RedisTestServers {
    $toolManifest = Join-Path $Root 'tests/servers/.config/dotnet-tools.json'
    Invoke-Native 'Restoring garnet-server' { dotnet tool restore --tool-manifest $toolManifest }
    $version = (Get-Content $toolManifest -Raw | ConvertFrom-Json).tools.'garnet-server'.version
    $tools = Join-Path (Get-NuGetPackagesFolder) "garnet-server/$version/tools"
    $garnet = Get-ChildItem $tools -Directory | Sort-Object { $_.Name -eq "net$([Environment]::Version.Major).0" }, Name -Descending |
        ForEach-Object { Join-Path $_.FullName 'any/GarnetServer.dll' } | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $garnet) { throw "garnet-server $version was restored but no GarnetServer.dll is under '$tools'." }
    $env:RESPONSECACHE_TEST_GARNET = $garnet
    Write-Host "Redis test servers: garnet-server $version ($garnet)"
    $redis = Get-Command redis-server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($redis) {
        Write-Host "Redis test servers: $((& $redis.Source --version) -replace '^Redis server v=(\S+).*', 'redis-server $1') ($($redis.Source))"
    } else {
        Write-Host 'Redis test servers: redis-server is not on PATH, so the Redis tests run against Garnet only. To add it, install it (Debian/Ubuntu: apt-get install redis-server).' -ForegroundColor Yellow
    }
}

# The engine's xunit suite on one target framework; its passed and failed counts, read from its trx file.
function Invoke-XunitSuite {
    param([Parameter(Mandatory)] [string] $Framework)
    $trxName = "xunit-$Framework.trx"
    dotnet test (Join-Path $Root 'tests/ResponseCache.Tests/ResponseCache.Tests.csproj') -c $Configuration -f $Framework --nologo `
        --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $ResultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    $counts = @{ Passed = 0; Failed = 0 }
    $trx = Join-Path $ResultsDir $trxName
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        $counts = @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed }
    }
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1; Write-Warning "The xunit run on $Framework failed before reporting its tests." }
    $counts
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Invoke-FreshPwsh -Arguments @('-File', (Join-Path $Root 'examples/Demo.ps1'), '-ModuleManifest', (Join-Path $ModuleDir 'ResponseCache.psd1'))
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-BenchTask {
    Invoke-BuildTask
    $benchScripts = Join-Path $Root 'tests/bench'
    $benchProject = Join-Path $Root 'tests/ResponseCache.Benchmarks'
    $artifacts = Join-Path $Root 'BenchmarkDotNet.Artifacts'
    $results = Join-Path $OutDir 'bench'
    # On the repository's disk rather than the temp folder, which may be in memory: every fsync must be real.
    $work = Join-Path $OutDir 'bench-work'
    foreach ($dir in $results, $work) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
        $null = New-Item $dir -ItemType Directory
    }
    $env:RESPONSECACHE_BENCH_DIR = $work
    $manifest = Join-Path $ModuleDir 'ResponseCache.psd1'
    Initialize-RedisTestServers

    Write-Host "`n=== BenchmarkDotNet: the engine ===" -ForegroundColor Cyan
    Invoke-Native 'BenchmarkDotNet' { dotnet run -c Release --project $benchProject -- --artifacts $artifacts }
    Write-Host "`n=== Memory of a loaded cache: the engine ===" -ForegroundColor Cyan
    $engineMemory = dotnet run -c Release --no-build --project $benchProject -- rss 20000
    if ($LASTEXITCODE -ne 0) { throw "The engine memory probe failed with exit code $LASTEXITCODE." }
    $engineMemory | Select-Object -Last 1 | Set-Content (Join-Path $results 'engine-memory.json')
    Write-Host "`n=== The record of the module's last snapshot and the savings ledger: the engine ===" -ForegroundColor Cyan
    $recordCost = dotnet run -c Release --no-build --project $benchProject -- sharing-record 120 2000 20000
    if ($LASTEXITCODE -ne 0) { throw "The sharing record probe failed with exit code $LASTEXITCODE." }
    $recordCost | Select-Object -Last 1 | Set-Content (Join-Path $results 'sharing-record.json')

    $benches = [ordered]@{
        'cmdlets' = @('-File', (Join-Path $benchScripts 'Measure-Cmdlets.ps1'), '-ModuleManifest', $manifest)
        'fresh-process' = @('-File', (Join-Path $benchScripts 'Measure-FreshProcess.ps1'), '-ModuleManifest', $manifest)
        'reference' = @('-File', (Join-Path $benchScripts 'Measure-Reference.ps1'))
        'diskcache' = @('-File', (Join-Path $benchScripts 'Measure-DiskCache.ps1'))
        'clixml' = @('-File', (Join-Path $benchScripts 'Measure-Clixml.ps1'))
        'redis' = @('-File', (Join-Path $benchScripts 'Measure-Redis.ps1'), '-ModuleManifest', $manifest)
        'redis-assembly-cost' = @('-File', (Join-Path $benchScripts 'Measure-RedisAssemblyCost.ps1'), '-ModuleManifest', $manifest)
        'sharing' = @('-File', (Join-Path $benchScripts 'Measure-Sharing.ps1'), '-ModuleManifest', $manifest)
        'sharing-race' = @('-File', (Join-Path $benchScripts 'Measure-SharingRace.ps1'), '-ModuleManifest', $manifest)
        'sharing-race-long-lived' = @('-File', (Join-Path $benchScripts 'Measure-SharingRace.ps1'), '-ModuleManifest', $manifest, '-LongLived')
    }
    foreach ($name in $benches.Keys) {
        Write-Host "`n=== Bench: $name ===" -ForegroundColor Cyan
        [string[]] $arguments = $benches[$name] + @('-WorkDirectory', $work, '-ResultFile', (Join-Path $results "$name.json"))
        Invoke-Native "The $name bench" { Invoke-FreshPwsh -Arguments $arguments }
    }

    & (Join-Path $benchScripts 'Write-BenchmarksReport.ps1') -ResultsDirectory $results -OutFile (Join-Path $Root 'BENCHMARKS.md') `
        -EngineReport (Join-Path $artifacts 'results/ResponseCache.Benchmarks.EngineBenchmarks-report-brief.json') `
        -Command 'dotnet tool restore && dotnet pwsh ./build.ps1 -Task Bench'
    Remove-Item $work -Recurse -Force
    Write-Host "BENCHMARKS.md written; raw results in $results"
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Demo' { Invoke-DemoTask }
        'Package' { $null = Invoke-PackageTask }
        'Bench' { Invoke-BenchTask }
    }
} finally {
    Pop-Location
}
