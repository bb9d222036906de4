# How BENCHMARKS.md writes times, sizes, ratios and verdicts; dot-source it.

function Format-Us([double] $Microseconds) {
    if ($Microseconds -ge 1000) { '{0:N1} ms' -f ($Microseconds / 1000) } elseif ($Microseconds -ge 100) { '{0:N0} µs' -f $Microseconds } else { '{0:N1} µs' -f $Microseconds }
}
function Format-Bytes([double] $Bytes) {
    if ([Math]::Abs($Bytes) -ge 1MB) { '{0:N1} MB' -f ($Bytes / 1MB) } elseif ([Math]::Abs($Bytes) -ge 1KB) { '{0:N1} KB' -f ($Bytes / 1KB) } else { '{0:N0} B' -f $Bytes }
}
function Format-Ratio([double] $Ratio) { if ($Ratio -ge 10) { '{0:N0}x' -f $Ratio } else { '{0:N2}x' -f $Ratio } }
function Format-Verdict([bool] $Met) { if ($Met) { '**met**' } else { '**NOT met**' } }
# "Nx faster" when the engine is ahead, "Nx slower" when it is behind: a ratio below 1 never reads as faster.
function Format-Speedup([double] $Speedup) { if ($Speedup -ge 1) { '{0} faster' -f (Format-Ratio $Speedup) } else { '{0} slower' -f (Format-Ratio (1 / $Speedup)) } }
# Who is faster at one operation, from the peer's time and ResponseCache's.
function Format-Ahead([double] $PeerUs, [double] $OursUs) {
    if ($PeerUs -ge $OursUs) { 'ResponseCache {0} faster' -f (Format-Ratio ($PeerUs / $OursUs)) } else { 'diskcache {0} faster' -f (Format-Ratio ($OursUs / $PeerUs)) }
}
