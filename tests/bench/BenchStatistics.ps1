# Medians and per-call times shared by the benchmark scripts; dot-source it.

function Get-Median {
    param([Parameter(Mandatory)] [double[]] $Values)
    $sorted = [double[]] ($Values | Sort-Object)
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function ConvertTo-Microseconds {
    param([Parameter(Mandatory)] [long] $Ticks)
    $Ticks * 1e6 / [Diagnostics.Stopwatch]::Frequency
}
