# Starts fresh PowerShell processes of the same version as this one, whether it runs as an executable or as
# 'dotnet pwsh', and times them in pairs. Dot-source it after BenchStatistics.ps1.

function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    & $exe @prefix -NoProfile -NonInteractive @Arguments
    if ($LASTEXITCODE -ne 0) { throw "A fresh pwsh ($($Arguments -join ' ')) failed with exit code $LASTEXITCODE." }
}

# A string as a single-quoted PowerShell literal, for a -Command line.
function ConvertTo-Literal([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

# Runs each command in its own fresh pwsh, $Pairs times, alternating which goes first, after one unrecorded pair;
# returns each one's medians and the median of the per-pair ratios. $Measure runs one process and returns its time in ms.
function Measure-Pairs {
    param([string] $Command, [string] $Baseline, [int] $Pairs, [scriptblock] $Measure)
    $null = & $Measure $Command; $null = & $Measure $Baseline
    $commandMs = [Collections.Generic.List[double]]::new()
    $baselineMs = [Collections.Generic.List[double]]::new()
    for ($pair = 0; $pair -lt $Pairs; $pair++) {
        if ($pair % 2) {
            $baselineMs.Add((& $Measure $Baseline)); $commandMs.Add((& $Measure $Command))
        } else {
            $commandMs.Add((& $Measure $Command)); $baselineMs.Add((& $Measure $Baseline))
        }
    }
    $ratios = for ($pair = 0; $pair -lt $Pairs; $pair++) { $commandMs[$pair] / $baselineMs[$pair] }
    [ordered]@{
        Pairs = $Pairs
        MedianMs = Get-Median $commandMs.ToArray()
        BaselineMedianMs = Get-Median $baselineMs.ToArray()
        Ratio = Get-Median $ratios
        MinRatio = ($ratios | Measure-Object -Minimum).Minimum
        MaxRatio = ($ratios | Measure-Object -Maximum).Maximum
    }
}
