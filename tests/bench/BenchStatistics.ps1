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

# Times a call against a baseline call in the same loop, their order alternating every iteration so machine noise hits
# both alike; both are scriptblocks taking the iteration number, invoked the same way. Round 0 is a warm-up, not
# recorded: the JIT takes thousands of calls to settle on its optimized code. Returns the medians per call and their ratio.
function Measure-AgainstBaseline {
    param([scriptblock] $Call, [scriptblock] $Baseline, [int] $Count, [int] $RoundCount)
    $callTicks = [Collections.Generic.List[double]]::new()
    $baselineTicks = [Collections.Generic.List[double]]::new()
    $i = 0
    for ($round = 0; $round -le $RoundCount; $round++) {
        for ($n = 0; $n -lt $Count; $n++) {
            $i++
            if ($i % 2) {
                $t0 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = & $Call $i
                $t1 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = & $Baseline $i
                $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
                $callTime = $t1 - $t0; $baselineTime = $t2 - $t1
            } else {
                $t0 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = & $Baseline $i
                $t1 = [Diagnostics.Stopwatch]::GetTimestamp(); $null = & $Call $i
                $t2 = [Diagnostics.Stopwatch]::GetTimestamp()
                $baselineTime = $t1 - $t0; $callTime = $t2 - $t1
            }
            if ($round -gt 0) { $callTicks.Add($callTime); $baselineTicks.Add($baselineTime) }
        }
    }
    $callUs = ConvertTo-Microseconds ([long](Get-Median $callTicks.ToArray()))
    $baselineUs = ConvertTo-Microseconds ([long](Get-Median $baselineTicks.ToArray()))
    [ordered]@{ Calls = $callTicks.Count; MedianUs = $callUs; BaselineUs = $baselineUs; Ratio = $callUs / $baselineUs }
}
