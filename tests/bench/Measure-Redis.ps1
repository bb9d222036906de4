<#
.SYNOPSIS
    The Redis backend against its floor, a bare StackExchange.Redis round trip on the same server: hits and sets
    through the engine and through the cmdlets, then eight runspaces at once against one. Writes JSON.
.DESCRIPTION
    Starts each server the test suites can (tests/pester/RedisServers.psm1: Garnet from the tests' tool manifest,
    redis-server when on PATH) on a free loopback port, one after the other, and always stops it. On each: a namespace filled to its cap of 1,000 entries with a
    2 KB chat-completion reply. The floor is StackExchange.Redis's StringGet and StringSet of the same JSON bytes on
    its own connection (the DLL the module ships, in this process). Every iteration times one call and one floor call
    of the same kind (GET or SET), alternating their order, all invoked from script the same way; the results are
    medians per call and their ratio. The engine is ICacheBackend from RedisCaches.Open; the cmdlets take
    -ConnectionString. Sets add a new key to the full namespace, so each evicts one entry.
    In parallel, runspaces (each with the module imported) wait at a barrier and then each make the same number of
    cmdlet calls on the namespace; throughput is all calls over the time from the barrier to the last call's end.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $Entries = 1000,
    [int] $Iterations = 2000,
    [int] $SetIterations = 1000,
    [int] $Rounds = 3,
    [int] $Runspaces = 8,
    [int] $ParallelCalls = 1000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchStatistics.ps1')
Import-Module (Join-Path $PSScriptRoot '../pester/RedisServers.psm1')
Import-Module $ModuleManifest
# The same StackExchange.Redis the backend loads: the module ships it.
Add-Type -Path (Join-Path (Split-Path $ModuleManifest) 'StackExchange.Redis.dll')

$namespace = 'bench'
$content = @'
Caching the responses of a language model pays off whenever the same prompt comes back: a nightly job that
summarises the same tickets, a build agent that asks for the same review, a console session that repeats a question.
Here is how to set it up in PowerShell:

1. **Choose a key.** Combine the model, the prompt and any input text, so a different model never answers for another.
2. **Read before you call.** `Get-CachedResponse -Key $key` returns the stored reply, or nothing on a miss.
3. **Store what you paid for.** Pipe the reply to `Set-CachedResponse`; it keeps the object exactly, nested fields too.
4. **Share it.** Point every host at the same Redis namespace with `-ConnectionString`, and the first job to ask pays.

A few cautions. Entries expire after `TtlDays`, so a stale answer does not outlive its usefulness; the least recently
used entries leave first when the cache is full; and a reply that depends on the time of day should not be cached at
all. Measure the hit ratio with `Get-CacheStats` after a week, and raise `MaxEntries` if useful answers are evicted
before they are asked for again. Finally, keep secrets out of keys: a key is hashed, but the reply is stored as is.

```powershell
$reply = Get-CachedResponse -Model $model -Prompt $prompt -ScriptBlock { Invoke-RestMethod @request }
$reply.choices[0].message.content
```

The first caller runs the script block and pays for the answer; every other caller, on this host or another, waits
for it and reads the stored reply.
'@
$reply = [pscustomobject]@{
    id = 'chatcmpl-AZ9bench0000000000000000000001'
    object = 'chat.completion'
    created = 1764633600
    model = 'gpt-4o-mini-2024-07-18'
    choices = @([pscustomobject]@{
        index = 0
        message = [pscustomobject]@{ role = 'assistant'; content = $content; refusal = $null }
        logprobs = $null
        finish_reason = 'stop'
    })
    usage = [pscustomobject]@{ prompt_tokens = 412; completion_tokens = 389; total_tokens = 801 }
    system_fingerprint = 'fp_0ba0d124f1'
}

# One worker runspace: warms up, waits at the barrier, then times each of its calls.
$worker = {
    param($ModuleCall, $Worker, $Calls, $Warmup, $Ready, $Go)
    $ErrorActionPreference = 'Stop'
    $call = [scriptblock]::Create($ModuleCall)
    for ($n = 0; $n -lt $Warmup; $n++) { $null = & $call $Worker (-1 - $n) }
    $null = $Ready.Signal()
    $Go.Wait()
    $ticks = [long[]]::new($Calls)
    $misses = 0
    for ($n = 0; $n -lt $Calls; $n++) {
        $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
        $result = & $call $Worker $n
        $ticks[$n] = [Diagnostics.Stopwatch]::GetTimestamp() - $t0
        if ($null -eq $result) { $misses++ }
    }
    [pscustomobject]@{ Ticks = $ticks; End = [Diagnostics.Stopwatch]::GetTimestamp(); Misses = $misses }
}

# $Count runspaces, each making $ParallelCalls calls of $ModuleCall (script text taking the worker and call number).
function Measure-Runspaces {
    param([int] $Count, [string] $ModuleCall, [hashtable] $Variables)
    $state = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule([string[]] @($ModuleManifest))
    foreach ($variable in $Variables.GetEnumerator()) {
        $state.Variables.Add([Management.Automation.Runspaces.SessionStateVariableEntry]::new($variable.Key, $variable.Value, ''))
    }
    $ready = [Threading.CountdownEvent]::new($Count)
    $go = [Threading.ManualResetEventSlim]::new($false)
    $workers = foreach ($w in 0..($Count - 1)) {
        $runspace = [runspacefactory]::CreateRunspace($state)
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        $null = $shell.AddScript($worker).AddParameters(@{ ModuleCall = $ModuleCall; Worker = $w; Calls = $ParallelCalls; Warmup = 50; Ready = $ready; Go = $go })
        [pscustomobject]@{ Shell = $shell; Runspace = $runspace; Handle = $shell.BeginInvoke() }
    }
    try {
        # A runspace that fails before the barrier never signals it: its error ends the measurement.
        while (-not $ready.Wait(200)) {
            foreach ($w in $workers | Where-Object { $_.Handle.IsCompleted }) {
                $null = $w.Shell.EndInvoke($w.Handle)
                throw "A runspace ended before the start: $($w.Shell.Streams.Error | Select-Object -First 1)"
            }
        }
        $start = [Diagnostics.Stopwatch]::GetTimestamp()
        $go.Set()
        $results = foreach ($w in $workers) { $w.Shell.EndInvoke($w.Handle) }
    } finally {
        $go.Set()
        foreach ($w in $workers) {
            if (-not $w.Handle.IsCompleted) { $w.Shell.Stop() }
            $w.Shell.Dispose(); $w.Runspace.Dispose()
        }
        $ready.Dispose(); $go.Dispose()
    }
    $end = ($results | Measure-Object -Property End -Maximum).Maximum
    $wallSeconds = ($end - $start) / [Diagnostics.Stopwatch]::Frequency
    $ticks = [double[]] ($results | ForEach-Object { $_.Ticks })
    [ordered]@{
        Runspaces = $Count
        CallsPerRunspace = $ParallelCalls
        WallMs = $wallSeconds * 1000
        CallsPerSecond = $ticks.Count / $wallSeconds
        MedianUs = ConvertTo-Microseconds ([long](Get-Median $ticks))
        Misses = ($results | Measure-Object -Property Misses -Sum).Sum
    }
}

function Measure-Parallel {
    param([string] $ModuleCall, [hashtable] $Variables)
    $one = Measure-Runspaces -Count 1 -ModuleCall $ModuleCall -Variables $Variables
    $many = Measure-Runspaces -Count $Runspaces -ModuleCall $ModuleCall -Variables $Variables
    [ordered]@{
        OneRunspace = $one
        Parallel = $many
        ThroughputRatio = $many.CallsPerSecond / $one.CallsPerSecond
        MedianRatio = $many.MedianUs / $one.MedianUs
    }
}

# Ratios of a call to the floor call it was timed beside.
function Measure-AgainstFloor {
    param([scriptblock] $Call, [scriptblock] $Floor, [int] $Count)
    $m = Measure-AgainstBaseline -Call $Call -Baseline $Floor -Count $Count -RoundCount $Rounds
    [ordered]@{ Calls = $m.Calls; MedianUs = $m.MedianUs; FloorUs = $m.BaselineUs; Ratio = $m.Ratio }
}

function Measure-Server {
    param($Server)
    $cs = $Server.ConnectionString
    # The first write to a fresh Garnet can outlast the backend's short timeouts on a loaded machine; this measures
    # the steady state, so the first write may take a few attempts (the fill evicts its entry).
    $warmedUp = $false
    for ($attempt = 1; -not $warmedUp -and $attempt -le 5; $attempt++) {
        Set-CachedResponse -Key 'bench|first write' -Response $reply -ConnectionString $cs -Namespace $namespace -ErrorAction SilentlyContinue -ErrorVariable failed
        $warmedUp = -not $failed
    }
    if (-not $warmedUp) { throw "No write succeeded on $($Server.Name) in five attempts: $failed" }
    $keys = [string[]] (0..($Entries - 1) | ForEach-Object { "model|prompt|fill $_" })
    # In batches: one write of a thousand 2 KB replies can outlast the backend's timeout on a loaded machine.
    for ($first = 0; $first -lt $Entries; $first += 100) {
        $keys[$first..([Math]::Min($first + 100, $Entries) - 1)] | ForEach-Object { [pscustomobject]@{ Key = $_; Response = $reply } } |
            Set-CachedResponse -ConnectionString $cs -Namespace $namespace -MaxEntries $Entries
    }

    $backend = [ResponseCache.Redis.RedisCaches]::Open($cs, $namespace, $null, $null)
    $policy = [ResponseCache.Core.CachePolicy]::Default
    $setPolicy = [ResponseCache.Core.CachePolicy]::new($Entries, $null, $null)
    $log = [ResponseCache.Core.NullCacheLog]::Instance
    $none = [Threading.CancellationToken]::None
    # The JSON the backend stores for the reply: what the floor moves too.
    [byte[]] $json = $backend.Get($keys[0], $policy, $log)
    if ($null -eq $json) { throw "The engine missed '$($keys[0])' right after the cmdlet set it on $($Server.Name)." }

    $multiplexer = [StackExchange.Redis.ConnectionMultiplexer]::Connect($cs)
    try {
        $db = $multiplexer.GetDatabase()
        $floorKeys = [StackExchange.Redis.RedisKey[]] (0..($Entries - 1) | ForEach-Object { "bench-floor:$_" })
        $value = [StackExchange.Redis.RedisValue] $json
        foreach ($floorKey in $floorKeys) { $null = $db.StringSet($floorKey, $value) }
        $floorGet = { param($i) $null = $db.StringGet($floorKeys[$i % $Entries]) }
        $floorSet = { param($i) $null = $db.StringSet($floorKeys[$i % $Entries], $value) }

        $result = [ordered]@{ Server = $Server.Name; Entries = $Entries; ReplyJsonBytes = $json.Length }
        # Hits first: the sets evict the filled entries.
        Write-Host "  hits: engine, cmdlet, $Runspaces runspaces"
        $result.EngineHit = Measure-AgainstFloor -Count $Iterations -Floor $floorGet -Call {
            param($i) $null = $backend.Get($keys[$i % $Entries], $policy, $log)
        }
        $result.CmdletHit = Measure-AgainstFloor -Count $Iterations -Floor $floorGet -Call {
            param($i) $null = Get-CachedResponse -Key $keys[$i % $Entries] -ConnectionString $cs -Namespace $namespace
        }
        $hitVariables = @{ keys = $keys; cs = $cs; namespace = $namespace }
        $result.ParallelHit = Measure-Parallel -Variables $hitVariables -ModuleCall (
            'param($worker, $n) Get-CachedResponse -Key $keys[($n + $worker * 125) % $keys.Count] -ConnectionString $cs -Namespace $namespace')

        Write-Host "  sets: engine, cmdlet, $Runspaces runspaces"
        $engineItems = foreach ($i in 0..($SetIterations * ($Rounds + 1))) {
            , [Collections.Generic.KeyValuePair[string, byte[]][]] @([Collections.Generic.KeyValuePair[string, byte[]]]::new("model|prompt|engine new $i", $json))
        }
        $result.EngineSet = Measure-AgainstFloor -Count $SetIterations -Floor $floorSet -Call {
            param($i) $backend.SetMany($engineItems[$i], $setPolicy, $log, $none)
        }
        $result.CmdletSet = Measure-AgainstFloor -Count $SetIterations -Floor $floorSet -Call {
            param($i) Set-CachedResponse -Key "model|prompt|cmdlet new $i" -Response $reply -ConnectionString $cs -Namespace $namespace -MaxEntries $Entries
        }
        # A set returns nothing, so the worker would count every call a miss: it returns the key instead.
        $setVariables = @{ reply = $reply; cs = $cs; namespace = $namespace; entries = $Entries }
        $result.ParallelSet = Measure-Parallel -Variables $setVariables -ModuleCall (
            'param($worker, $n) $key = "model|prompt|runspace $worker new $n"; Set-CachedResponse -Key $key -Response $reply -ConnectionString $cs -Namespace $namespace -MaxEntries $entries; $key')
        $result.EntriesAfterSets = (Get-CacheStats -ConnectionString $cs -Namespace $namespace).TotalEntries
        $result
    } finally {
        $multiplexer.Dispose()
    }
}

$results = [ordered]@{ Servers = @() }
foreach ($kind in Get-TestRedisServerKind) {
    $server = Start-TestRedisServer -Kind $kind.Kind
    try {
        Write-Host "Measuring $($server.Name) on port $($server.Port)"
        $results.Servers += Measure-Server $server
    } finally {
        $server | Stop-TestRedisServer
    }
}
if (-not (Get-Command redis-server -CommandType Application -ErrorAction Ignore)) { $results.Skipped = 'redis-server: not on PATH' }
$results | ConvertTo-Json -Depth 6 | Set-Content -Path $ResultFile -Encoding utf8
