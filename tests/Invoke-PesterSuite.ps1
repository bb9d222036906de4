<#
.SYNOPSIS
    Runs the Pester suite against a built module, in this (fresh) process, one test file at a time; writes the counts
    as JSON after each file, so that a run whose process dies still tells what ran, what was running and what did not.
.DESCRIPTION
    The result file holds Passed, Failed and Skipped so far, Running (the file under way, $null once the run is over),
    Completed and NotStarted (files). With -CountNotRun it runs Pester's discovery alone over the files a crashed run
    left unfinished (Running and NotStarted in -ResultFile) and adds NotRun, how many tests they hold, to that file.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string[]] $Path,
    [switch] $CountNotRun
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force

# The test files import the module from here, so they test exactly what was built.
$env:RESPONSECACHE_TEST_MODULE = (Resolve-Path $ModuleManifest).Path

# Every pwsh the suite starts (many at once) would replay and rewrite one startup JIT profile per user
# (~/.cache/powershell/StartupProfileData-NonInteractive). Concurrent rewrites corrupt it, and from then on every pwsh
# of that user dies at start with "Stack overflow." (PowerShell/PowerShell#26528, dotnet/runtime#121977). Below this
# many CPUs (hexadecimal, as the runtime reads it) the runtime neither reads nor writes the profile.
$env:DOTNET_MultiCoreJitMinNumCpus = 'FFFF'

if (-not $Path) {
    $Path = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'pester') -Filter '*.Tests.ps1' | Sort-Object Name | ForEach-Object FullName)
}

function New-SuiteConfiguration([string[]] $Files) {
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $Files
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Normal'
    $configuration
}

if ($CountNotRun) {
    $crashed = Get-Content -LiteralPath $ResultFile -Raw | ConvertFrom-Json
    $configuration = New-SuiteConfiguration (@($crashed.Running) + @($crashed.NotStarted))
    $configuration.Run.SkipRun = $true
    $configuration.Output.Verbosity = 'None'
    $crashed | Add-Member -NotePropertyName NotRun -NotePropertyValue (Invoke-Pester -Configuration $configuration).TotalCount
    $crashed | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8
    return
}

$progress = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Running = $null; Completed = @(); NotStarted = @($Path) }
function Save-Progress { [pscustomobject]$progress | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8 }

foreach ($file in $Path) {
    $progress.Running = $file
    $progress.NotStarted = @($progress.NotStarted | Where-Object { $_ -ne $file })
    Save-Progress
    $result = Invoke-Pester -Configuration (New-SuiteConfiguration $file)
    $progress.Passed += $result.PassedCount
    $progress.Failed += $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    $progress.Skipped += $result.SkippedCount
    $progress.Completed += $file
}
$progress.Running = $null
Save-Progress
