# The "Sharing with the reference" part of BENCHMARKS.md: its target rows and its section, as lines, from the results
# of Measure-Sharing.ps1 (sharing), Measure-SharingRace.ps1 (sharing-race, sharing-race-long-lived) and the engine's
# sharing-record probe. Dot-source it after ReportFormat.ps1.

function Format-Seconds([double] $Seconds) { '{0:N2} s' -f $Seconds }

# The longest wait seen, over every size and burst, from the module's last set to a fresh CacheManager finding it.
function Get-WorstFoldLatency($Sharing) {
    ($Sharing.Latency.Values | ForEach-Object { $_.Values } | ForEach-Object { $_.MaxSeconds } | Measure-Object -Maximum).Maximum
}

function Get-RaceRounds($Race) { @($Race.Rounds) }

function Get-Total($Rounds, [string] $Name) { ($Rounds | ForEach-Object { $_[$Name] } | Measure-Object -Sum).Sum }

function Get-SharingTargetRows($Sharing, $Race, $RaceLongLived) {
    $worst = Get-WorstFoldLatency $Sharing
    $latencies = ($Sharing.Latency.Keys | ForEach-Object { $n = $_; $Sharing.Latency[$n].Keys | ForEach-Object { '{0:N0} entries, {1} set(s): {2}' -f [int]$n, $_, (Format-Seconds $Sharing.Latency[$n][$_].MaxSeconds) } }) -join '; '
    '| The reference sees the module''s last write within about {0:N0} s, as about_ResponseCache promises (worst round, 2,000 and 20,000 entries of 1 KB, a fresh CacheManager) | {1} | {2} |' -f $Sharing.FoldDelaySeconds, $latencies, (Format-Verdict ($worst -le $Sharing.FoldDelaySeconds))
    '| ... within a few seconds, as the issue asks (<= 3 s) | worst {0} | {1} |' -f (Format-Seconds $worst), (Format-Verdict ($worst -le 3))
    $exit = $Sharing.Exit
    '| A {0:N0}-item pipeline''s entries are all in ai_responses.json once its process has ended, also when it exits right after the pipeline | {1:N0} of {0:N0} (fewest of {2} processes that exit at once) | {3} |' -f $exit.Items, $exit.FoldPending.MinInFile, $exit.Pairs, (Format-Verdict ($exit.FoldPending.MinInFile -eq $exit.Items -and $exit.FoldDone.MinInFile -eq $exit.Items))
    $burst = $Sharing.Burst
    $slowest = ($burst.Values | ForEach-Object { $_.FoldsDue.MedianUs / $_.FoldsNotDue.MedianUs } | Measure-Object -Maximum).Maximum
    '| A set stays journal-fast while folds run in the background: the median cmdlet set of a burst with folds coming due <= 1.10x that of the same burst with none due (this report''s bound; the issue gives none) | {0} | {1} |' -f (($burst.Keys | ForEach-Object { '{0:N0} entries: {1} vs {2}, {3}' -f [int]$_, (Format-Us $burst[$_].FoldsDue.MedianUs), (Format-Us $burst[$_].FoldsNotDue.MedianUs), (Format-Ratio ($burst[$_].FoldsDue.MedianUs / $burst[$_].FoldsNotDue.MedianUs)) }) -join '; '), (Format-Verdict ($slowest -le 1.10))
    $rounds = @(Get-RaceRounds $Race) + @(Get-RaceRounds $RaceLongLived)
    $moduleLost = ($rounds | ForEach-Object { $_.Of - $_.ModuleServed } | Measure-Object -Sum).Sum
    '| The module loses none of its own entries to a concurrent reference writer (every race round, both sizes, a CacheManager per set and a long-lived one) | lost {0} of {1:N0} | {2} |' -f $moduleLost, (Get-Total $rounds 'Of'), (Format-Verdict ($moduleLost -eq 0))
}

function Get-SharingSection($Sharing, $Race, $RaceLongLived, $Record) {
    '## Sharing with the reference'
    ''
    'The Python CacheManager reads only ai_responses.json. Above 256 KB the module''s sets are journal lines; the journal is'
    ("folded into ai_responses.json in the background {0:N0} s after the first change it took since the last fold, and at exit." -f $Sharing.FoldDelaySeconds)
    'about_ResponseCache promises: "ai_responses.json holds every entry within about 2 seconds of this module''s last write,'
    'and once the writing process has exited". `tests/bench/Measure-Sharing.ps1` and `Measure-SharingRace.ps1` measure it with'
    'the real reference (`tests/reference/cache_manager.py`, /usr/bin/python3), responses of 1 KB, on the repository''s disk.'
    ''
    '### How soon the reference sees the module''s last write'
    ''
    'A fresh pwsh makes a burst of one-call `Set-CachedResponse` sets of new keys and stays alive (so no exit fold helps); a'
    'Python process stats ai_responses.json every 2 ms and, on each change, loads it with a fresh CacheManager (the load a'
    'new reference process makes; it writes nothing) until the burst''s last key is there. Times are from the return of the'
    'last set to the start of that load, on the machine''s clock. One set waits longest: the fold is due a delay after the'
    'burst''s first change, so a longer burst leaves less of the delay after its last set.'
    ''
    '| Entries | Sets in the burst | Rounds | Burst took (median) | Last set to seen: median | Last set to seen: worst | First set to seen: worst | The reference''s load (median) |'
    '|---:|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($n in $Sharing.Latency.Keys) {
        foreach ($burst in $Sharing.Latency[$n].Keys) {
            $m = $Sharing.Latency[$n][$burst]
            '| {0:N0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} |' -f [int]$n, $burst, $m.Rounds, (Format-Seconds $m.MedianBurstSeconds), (Format-Seconds $m.MedianSeconds), (Format-Seconds $m.MaxSeconds), (Format-Seconds $m.MaxSinceFirstSetSeconds), (Format-Seconds $m.MedianReferenceLoadSeconds)
        }
    }
    ''
    $exit = $Sharing.Exit
    '### A pipeline''s entries at exit'
    ''
    ("A fresh pwsh pipes {0:N0} new items into one ``Set-CachedResponse`` on a {1:N0}-entry cache and exits: right after the" -f $exit.Items, $exit.Entries)
    'pipeline, with the fold pending (the exit folds), or once the background fold has run (it waits the fold delay and 2 s'
    'more, a wait taken off its wall time). Then a fresh CacheManager counts the items in ai_responses.json. "Last statement'
    'to exit" is from the clock read by the process''s last statement to the end of the process, seen outside; the journal'
    'is its length then (a journal holding only its first line has no changes). Pairs alternate which runs first.'
    ''
    '| Process | In ai_responses.json after exit (fewest) | Journal at exit (median) | Wall time (median) | Last statement to exit (median) | Pairs |'
    '|---|---:|---:|---:|---:|---:|'
    foreach ($case in @(@{ Name = 'Exits right after the pipeline: the fold runs at exit'; M = $exit.FoldPending }, @{ Name = 'Exits once the background fold has run'; M = $exit.FoldDone })) {
        '| {0} | {1:N0} of {2:N0} | {3} | {4:N0} ms | {5:N0} ms | {6} |' -f $case.Name, $case.M.MinInFile, $exit.Items, (Format-Bytes $case.M.JournalBytesAtExit), $case.M.WallMs, $case.M.ExitMs, $exit.Pairs
    }
    ''
    ("The exit's fold of {0:N0} entries costs {1:N0} ms at exit; the whole process with it over the process without it: {2} (median of the pairs)." -f ($exit.Entries + $exit.Items), ($exit.FoldPending.ExitMs - $exit.FoldDone.ExitMs), (Format-Ratio $exit.WallRatio))
    ''
    '### What background folds cost a write burst'
    ''
    $first = @($Sharing.Burst.Values)[0]
    ("A fresh pwsh makes {0:N0} one-call sets of new keys, each timed, with the default fold delay (folds come due during the" -f $first.Sets)
    'burst and run on a timer thread, taking the lock as a set does) and with a delay of an hour (none comes due; the one left'
    'runs at exit, untimed). Both keep the journal''s own rule, a journal larger than a quarter of ai_responses.json folded'
    'by the set that outgrows it, so the difference is what the background folds cost, or save by keeping the journal short.'
    'Rewrites are the changes of ai_responses.json''s time seen after the sets (a stat after each set, in both). Medians of'
    ("{0} processes each; the ratio is the median of the per-pair ratios." -f $first.Pairs)
    ''
    '| Entries | Folds | Sets/s | Median set | 99th percentile | Slowest set | Rewrites during the burst |'
    '|---:|---|---:|---:|---:|---:|---:|'
    foreach ($n in $Sharing.Burst.Keys) {
        $b = $Sharing.Burst[$n]
        foreach ($case in @(@{ Name = ('due every {0:N0} s (default)' -f $Sharing.FoldDelaySeconds); M = $b.FoldsDue }, @{ Name = 'none due'; M = $b.FoldsNotDue })) {
            '| {0:N0} | {1} | {2:N0} | {3} | {4} | {5} | {6:N0} |' -f [int]$n, $case.Name, $case.M.SetsPerSecond, (Format-Us $case.M.MedianUs), (Format-Us $case.M.P99Us), (Format-Us $case.M.MaxUs), $case.M.Rewrites
        }
        '| {0:N0} | sets/s, due over none due | {1} | | | | |' -f [int]$n, (Format-Ratio $b.Ratio)
    }
    ''
    'The slowest set (median over the processes) with folds due against none due: {0}. A fold takes the lock for as long' -f (($Sharing.Burst.Keys | ForEach-Object { '{0} vs {1} at {2:N0} entries' -f (Format-Us $Sharing.Burst[$_].FoldsDue.MaxUs), (Format-Us $Sharing.Burst[$_].FoldsNotDue.MaxUs), [int]$_ }) -join ', ')
    'as it writes the new ai_responses.json, and a set that comes meanwhile waits for it: "a set never waits for a fold"'
    'holds for the median set, not for every set.'
    ''
    '### Races with a writer that takes no lock'
    ''
    ("Each round a fresh pwsh makes {0} one-call sets while a python3 makes {0} of its own, at the same moment; the reference" -f $Race.Count)
    'opens a CacheManager per set as a web worker does (load, add one, rewrite the file), or keeps one CacheManager for all'
    'its sets as a web server or notebook does (loaded once, before the module''s first set). ''small'' stays under 256 KB (the'
    'module rewrites the file on every set), ''large'' starts from 100 entries of 3 KB (the module journals). Kept: in'
    'ai_responses.json as a fresh CacheManager loads it; served: what a fresh module process returns.'
    ''
    '| Reference | Cache | Round | Reference''s kept in the file | Module''s kept in the file | Reference''s served by the module | Module''s served |'
    '|---|---|---:|---:|---:|---:|---:|'
    foreach ($run in @(@{ Name = 'a CacheManager per set'; R = $Race }, @{ Name = 'one long-lived CacheManager'; R = $RaceLongLived })) {
        foreach ($round in Get-RaceRounds $run.R) {
            '| {0} | {1} | {2} | {3} of {7} | {4} of {7} | {5} of {7} | {6} of {7} |' -f $run.Name, $round.Size, $round.Round, $round.PythonKeptByFile, $round.ModuleKeptByFile, $round.PythonServed, $round.ModuleServed, $round.Of
        }
    }
    ''
    foreach ($run in @(@{ Name = 'With a CacheManager per set'; R = $Race }, @{ Name = 'With one long-lived CacheManager'; R = $RaceLongLived })) {
        $rounds = Get-RaceRounds $run.R
        $of = (Get-Total $rounds 'Of')
        $pythonLost = $of - (Get-Total $rounds 'PythonServed')
        $moduleLost = $of - (Get-Total $rounds 'ModuleServed')
        ('{0}, the reference lost {1} of its {2:N0} sets ({3:P1}) and the module {4} of its {2:N0} ({5:P1}).' -f $run.Name, $pythonLost, $of, ($pythonLost / $of), $moduleLost, ($moduleLost / $of))
    }
    'A writer that takes no lock can always lose a race: these are the rates, measured, on this machine as loaded as it was.'
    ''
    '### What the record of the module''s last snapshot and the savings ledger cost'
    ''
    'ai_responses.json.module, the record the module keeps of its last ai_responses.json to reconcile a foreign rewrite, is'
    'made on every rewrite of ai_responses.json: a hard link, or a copy where the file system has no hard links. This'
    'machine has no file system without hard links to mount, so the copy is the module''s own fallback taken on this disk'
    '(its file-system seam refuses the link), and "no record" takes the link as made without making it (nothing is read or
written for it). The ledger case is a full savings'
    ("ledger ({0} of ai_responses.json.savings: 400 days of three models) with entries whose replies carry usage, so each" -f (Format-Bytes @($Record.Cases.Values)[0].LedgerBytes))
    'call also adds a hit''s savings to it. Engine calls (`DirectoryCache`), each variant on its own cache, one call of each'
    'per round in a rotating order, every call after the same hit; medians, and ratios to the shipped variant (hard link, no'
    'ledger). A set and a Remove rewrite ai_responses.json under 256 KB; above it a set is a journal line, and the exit''s'
    'flush (`Flush` with one journaled set pending) folds the journal into a new ai_responses.json.'
    ''
    '| Call | Entries | Rounds | Hard link (shipped) | Copy | No record | Hard link, full ledger |'
    '|---|---:|---:|---:|---:|---:|---:|'
    foreach ($name in $Record.Cases.Keys) {
        $c = $Record.Cases[$name]
        $call = switch -Regex ($name) { '^SetSmall' { 'Set' } '^RemoveSmall' { 'Remove' } '^Set\d' { 'Set (journal)' } '^ExitFlush' { 'Exit flush (fold)' } }
        '| {0} | {1:N0} | {2} | {3} | {4} ({5}) | {6} ({7}) | {8} ({9}) |' -f $call, $c.Entries, $c.Rounds, (Format-Us $c.HardLink.MedianUs),
            (Format-Us $c.Copy.MedianUs), (Format-Ratio $c.Copy.Ratio), (Format-Us $c.NoRecord.MedianUs), (Format-Ratio $c.NoRecord.Ratio),
            (Format-Us $c.HardLinkWithLedger.MedianUs), (Format-Ratio $c.HardLinkWithLedger.Ratio)
    }
    ''
}
