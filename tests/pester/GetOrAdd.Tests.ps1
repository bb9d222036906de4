<#
    Get-CachedResponse -ScriptBlock (get-or-add): a miss runs the scriptblock once and caches its output, a hit does
    not run it, -Force refreshes, a failure caches nothing and surfaces its error, and runspaces of one process that
    ask for the same key at once share one run.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StandInApi.psm1') -Force
}

Describe 'Get-or-add on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        $runs = @{ Count = 0 }
    }

    It 'on a miss runs the scriptblock once, caches its output and returns it' {
        $answer = Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'the answer' }

        $answer | Should -BeExactly 'the answer'
        $runs.Count | Should -Be 1
        Get-CachedResponse -Key 'question' @cache | Should -BeExactly 'the answer'
    }

    It 'on a hit returns the cached response without running the scriptblock' {
        $null = Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'first' }

        $answer = Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'second' }

        $answer | Should -BeExactly 'first'
        $runs.Count | Should -Be 1
    }

    It 'hits a response stored by Set-CachedResponse' {
        Set-CachedResponse -Key 'question' -Response 'stored' @cache

        Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'produced' } | Should -BeExactly 'stored'
        $runs.Count | Should -Be 0
    }

    It 'returns on the miss the same objects it returns on later hits' {
        $miss = Get-CachedResponse -Key 'object' @cache -ScriptBlock { [ordered]@{ tokens = 12; tags = @('a', 'b') } }
        $hit = Get-CachedResponse -Key 'object' @cache -ScriptBlock { throw 'must not run' }

        Get-TypeShape $miss | Should -BeExactly (Get-TypeShape $hit)
        $miss.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        ConvertTo-Json $miss -Compress | Should -BeExactly (ConvertTo-Json $hit -Compress)
    }

    It 'caches several output objects as one array' {
        $miss = Get-CachedResponse -Key 'list' @cache -ScriptBlock { 'a'; 'b'; 'c' }

        $miss | Should -Be @('a', 'b', 'c')
        Get-CachedResponse -Key 'list' -AsJson @cache | Should -BeExactly '["a","b","c"]'
    }

    It 'caches nothing and returns nothing when the scriptblock outputs nothing, so the next call runs it again' {
        $first = Get-CachedResponse -Key 'empty' @cache -ScriptBlock { $runs.Count++ }
        $second = Get-CachedResponse -Key 'empty' @cache -ScriptBlock { $runs.Count++ }

        $first | Should -BeNullOrEmpty
        $second | Should -BeNullOrEmpty
        $runs.Count | Should -Be 2
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }

    It 'runs the scriptblock in the caller''s scope chain, so it sees the caller''s variables' {
        $prompt = 'What is 6 x 7?'

        Get-CachedResponse -Key 'scope' @cache -ScriptBlock { "asked: $prompt" } | Should -BeExactly 'asked: What is 6 x 7?'
    }

    It 'with -Force runs the scriptblock even on a hit and replaces the cached response' {
        $null = Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'old' }

        $refreshed = Get-CachedResponse -Key 'question' -Force @cache -ScriptBlock { $runs.Count++; 'new' }

        $refreshed | Should -BeExactly 'new'
        $runs.Count | Should -Be 2
        Get-CachedResponse -Key 'question' @cache | Should -BeExactly 'new'
        @(Get-CacheEntry @cache).Count | Should -Be 1
    }

    It 'caches nothing for a scriptblock whose output is $null, says so in verbose, and runs a working scriptblock next time' {
        $verbose = Get-CachedResponse -Key 'null answer' @cache -ScriptBlock { $runs.Count++; $null } -Verbose 4>&1

        ($verbose | Out-String) | Should -Match 'nothing was cached'
        Get-CacheEntry @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'null answer' @cache -ScriptBlock { $runs.Count++; 'real answer' } | Should -BeExactly 'real answer'
        $runs.Count | Should -Be 2
    }

    It 'offers -Force, -MaxEntries, -MaxSizeMB and -Depth only beside a mandatory -ScriptBlock' {
        $sets = (Get-Command Get-CachedResponse).ParameterSets
        $sets.Count | Should -Be 4
        foreach ($name in 'Force', 'MaxEntries', 'MaxSizeMB', 'Depth') {
            $withIt = @($sets | Where-Object { $_.Parameters.Name -contains $name })
            $withIt.Count | Should -Be 2 -Because "-$name belongs to the two -ScriptBlock sets"
            $withIt | ForEach-Object { ($_.Parameters | Where-Object Name -EQ 'ScriptBlock').IsMandatory | Should -BeTrue }
        }
    }

    It 'refuses -Force without -ScriptBlock as a missing -ScriptBlock and changes nothing' {
        Set-CachedResponse -Key 'question' -Response 'kept' @cache

        $result = Invoke-FreshPwsh -Script "try { Get-CachedResponse -Key 'question' -Force $(ConvertTo-CacheParameterText $cache) } catch { `$_.FullyQualifiedErrorId }"

        $result.Output | Should -Be 'MissingMandatoryParameter,ResponseCache.Commands.GetCachedResponseCommand'
        Get-CachedResponse -Key 'question' @cache | Should -BeExactly 'kept'
    }

    It 'fails with ReentrantGetOrAdd for a get-or-add of the same key inside its own scriptblock, through a function too' {
        function Get-Answer { Get-CachedResponse -Key 'question' @cache -ScriptBlock { 'inner' } }

        { Get-CachedResponse -Key 'question' @cache -ScriptBlock { Get-Answer } } |
            Should -Throw -ErrorId 'ReentrantGetOrAdd,ResponseCache.Commands.GetCachedResponseCommand'
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }
}

Describe 'The pipeline item inside a get-or-add''s scriptblock on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'is $_ and $PSItem for keys piped by value, so each key caches its own answer' {
        $answers = 'x', 'y' | Get-CachedResponse @cache -ScriptBlock { "answer for [$_] [$PSItem]" }

        $answers | Should -BeExactly 'answer for [x] [x]', 'answer for [y] [y]'
        Get-CachedResponse -Key 'y' @cache | Should -BeExactly 'answer for [y] [y]'
    }

    It 'is the whole row for keys bound by property name (Import-Csv rows)' {
        $csv = Join-Path $TestDrive 'prompts.csv'
        "Key,Question`nrow1,Say A`nrow2,Say B" | Set-Content -LiteralPath $csv

        $answers = Import-Csv $csv | Get-CachedResponse @cache -ScriptBlock { "reply to '$($_.Question)'" }

        $answers | Should -BeExactly "reply to 'Say A'", "reply to 'Say B'"
        Get-CachedResponse -Key 'row2' @cache | Should -BeExactly "reply to 'Say B'"
    }

    It 'is the object whose properties composed the key' {
        $rows = [pscustomobject]@{ Model = 'gpt-4o'; Prompt = 'Say'; InputText = 'A'; Id = 1 },
                [pscustomobject]@{ Model = 'gpt-4o'; Prompt = 'Say'; InputText = 'B'; Id = 2 }

        $answers = $rows | Get-CachedResponse @cache -ScriptBlock { "row $($_.Id): $($PSItem.InputText)" }

        $answers | Should -BeExactly 'row 1: A', 'row 2: B'
        Get-CachedResponse -Model 'gpt-4o' -Prompt 'Say' -InputText 'B' @cache | Should -BeExactly 'row 2: B'
    }

    It 'stays the caller''s $_ when nothing is piped to Get-CachedResponse' {
        $answers = 'outer' | ForEach-Object { Get-CachedResponse -Key "k-$_" @cache -ScriptBlock { "saw $_" } }

        $answers | Should -BeExactly 'saw outer'
    }

    It 'is, in parallel runspaces, the item of the caller whose scriptblock runs; waiters share that answer' {
        $module = Get-ModuleUnderTestPath

        $answers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $cache = $using:cache
            $id = $_
            [pscustomobject]@{ Key = "own $id"; Id = $id }, [pscustomobject]@{ Key = 'shared'; Id = $id } |
                Get-CachedResponse @cache -ScriptBlock { "from $($_.Id)" } |
                ForEach-Object { [pscustomobject]@{ Caller = $id; Answer = $_ } }
        }

        $answers.Count | Should -Be 8
        foreach ($id in 1..4) {
            $mine = @($answers | Where-Object Caller -EQ $id)
            $mine[0].Answer | Should -BeExactly "from $id"
            Get-CachedResponse -Key "own $id" @cache | Should -BeExactly "from $id"
        }
        $shared = $answers | Group-Object Caller | ForEach-Object { $_.Group[1].Answer } | Sort-Object -Unique
        $shared | Should -BeExactly (Get-CachedResponse -Key 'shared' @cache)
        $shared | Should -BeIn 'from 1', 'from 2', 'from 3', 'from 4'
    }
}

Describe 'A failing scriptblock on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        $runs = @{ Count = 0 }
    }

    It 'that throws stops the caller with ScriptBlockFailed carrying the original exception, and caches nothing' {
        $reached = $false
        $caught = try {
            Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; throw 'The API returned 503' }
            $reached = $true
        } catch {
            $_
        }

        $reached | Should -BeFalse
        $caught.FullyQualifiedErrorId | Should -BeExactly 'ScriptBlockFailed,ResponseCache.Commands.GetCachedResponseCommand'
        $caught.Exception.Message | Should -BeExactly 'The API returned 503'
        $caught.TargetObject | Should -BeExactly 'The API returned 503'   # the original record's, as `throw` made it
        $caught.InvocationInfo.MyCommand.Name | Should -BeExactly 'Get-CachedResponse'
        Get-CachedResponse -Key 'question' @cache | Should -BeNullOrEmpty
    }

    It 'that throws, with -ErrorAction SilentlyContinue, writes ScriptBlockFailed and lets the caller go on' {
        $output = Get-CachedResponse -Key 'question' @cache -ScriptBlock { throw 'The API returned 503' } -ErrorVariable failure -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly 'ScriptBlockFailed,ResponseCache.Commands.GetCachedResponseCommand'
        $failure[0].Exception.Message | Should -BeExactly 'The API returned 503'
    }

    It 'that throws, with -ErrorAction Ignore, leaves nothing in $Error' {
        $Error.Clear()

        $output = Get-CachedResponse -Key 'question' @cache -ScriptBlock { throw 'The API returned 503' } -ErrorAction Ignore

        $output | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }

    It 'that writes a non-terminating error passes it on once, with its id, returns its output and caches nothing' {
        $ErrorActionPreference = 'Continue'   # a console's default (the suite runs under Stop)
        $expected = & { Write-Error -Message 'Quota exceeded for model gpt' -ErrorId 'Quota' -Category QuotaExceeded 2>&1 }
        $Error.Clear()

        $output = Get-CachedResponse -Key 'question' @cache -ScriptBlock {
            'partial answer'
            Write-Error -Message 'Quota exceeded for model gpt' -ErrorId 'Quota' -Category QuotaExceeded
            $runs.Count++
        } 2>$null

        $output | Should -BeExactly 'partial answer'
        $runs.Count | Should -Be 1
        $Error.Count | Should -Be 1
        # Written again by Get-CachedResponse, so that its -ErrorAction and -ErrorVariable govern it: the id stays first.
        $Error[0].FullyQualifiedErrorId | Should -BeLike "$($expected.FullyQualifiedErrorId),*"
        $Error[0].Exception.Message | Should -BeExactly $expected.Exception.Message
        $Error[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }

    It 'caches the output of a run whose errors it handled itself (try/catch, -ErrorAction SilentlyContinue)' {
        $ErrorActionPreference = 'Continue'

        $first = Get-CachedResponse -Key 'handled' @cache -ScriptBlock {
            $runs.Count++
            try { throw 'transient' } catch { }
            Get-Item -LiteralPath (Join-Path $TestDrive 'nope') -ErrorAction SilentlyContinue
            'answer'
        }
        $second = Get-CachedResponse -Key 'handled' @cache -ScriptBlock { $runs.Count++; 'paid again' }

        $first | Should -BeExactly 'answer'
        $second | Should -BeExactly 'answer'
        $runs.Count | Should -Be 1
    }

    It 'collects the scriptblock''s unhandled non-terminating errors into -ErrorVariable, as ForEach-Object does, and caches nothing' {
        $ErrorActionPreference = 'Continue'
        $missing = Join-Path $TestDrive 'missing.json'

        $output = Get-CachedResponse -Key 'question' @cache -ErrorVariable failure -ScriptBlock {
            Get-Content -LiteralPath $missing
            'fallback'
        } 2>$null

        $output | Should -BeExactly 'fallback'
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $failure[0].TargetObject | Should -BeExactly $missing
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }

    It 'honours -ErrorAction Ignore for the scriptblock''s unhandled non-terminating errors: nothing in $Error, output returned' {
        $ErrorActionPreference = 'Continue'
        $Error.Clear()

        $output = Get-CachedResponse -Key 'question' @cache -ErrorAction Ignore -ScriptBlock {
            Get-Content -LiteralPath (Join-Path $TestDrive 'missing.json')
            'fallback'
        }

        $output | Should -BeExactly 'fallback'
        $Error.Count | Should -Be 0
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }

    It 'makes the scriptblock''s unhandled non-terminating error terminating with -ErrorAction Stop' {
        $ErrorActionPreference = 'Continue'

        $caught = try {
            Get-CachedResponse -Key 'question' @cache -ErrorAction Stop -ScriptBlock { Write-Error -Message 'Quota exceeded' -ErrorId 'Quota'; 'partial' }
        } catch { $_ }

        $caught.FullyQualifiedErrorId | Should -BeLike 'Quota,*'
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }

    Context 'calling a stand-in API' {
        BeforeEach {
            $api = $null
        }

        AfterEach {
            Stop-StandInApi $api
        }

        It 'caches the answer of the standard retry loop (catch a 429, wait, retry), so the next run pays nothing' {
            $api = Start-StandInApi -Responses @{ Status = 429; Body = '{"error":{"message":"Rate limit reached"}}' }, @{ Status = 200; Body = '{"answer":"forty-two"}' }
            $uri = $api.Uri

            $answer = Get-CachedResponse -Key 'retried' @cache -ScriptBlock {
                foreach ($attempt in 1..3) {
                    try { return Invoke-RestMethod -Uri $uri -Method Post -Body '{}' -ErrorAction Stop }
                    catch { if ($_.Exception.Response.StatusCode -ne 429) { throw } }
                }
            }
            $again = Get-CachedResponse -Key 'retried' @cache -ScriptBlock { Invoke-RestMethod -Uri $uri -Method Post -Body '{}' }

            $answer.answer | Should -BeExactly 'forty-two'
            $again.answer | Should -BeExactly 'forty-two'
            $api.Requests.Count | Should -Be 2
        }

        It 'gives a catch around a failing get-or-add what plain Invoke-RestMethod gives it: ErrorDetails, exception, target' {
            $api = Start-StandInApi -Responses @{ Status = 429; Body = '{"error":{"message":"Rate limit reached"}}' }
            $uri = $api.Uri
            $plain = try { Invoke-RestMethod -Uri $uri -Method Post -Body '{}' } catch { $_ }

            $caught = try {
                Get-CachedResponse -Key 'limited' @cache -ScriptBlock { Invoke-RestMethod -Uri $uri -Method Post -Body '{}' }
            } catch { $_ }

            $caught.ErrorDetails.Message | Should -BeExactly $plain.ErrorDetails.Message
            ($caught.ErrorDetails.Message | ConvertFrom-Json).error.message | Should -BeExactly 'Rate limit reached'
            $caught.Exception.GetType() | Should -Be $plain.Exception.GetType()
            [int] $caught.Exception.Response.StatusCode | Should -Be 429
            $caught.TargetObject.GetType() | Should -Be $plain.TargetObject.GetType()
            $caught.TargetObject.RequestUri | Should -Be $plain.TargetObject.RequestUri
            $caught.CategoryInfo.Category | Should -Be $plain.CategoryInfo.Category
        }
    }

    It 'leaves the key missing, so the next call runs its scriptblock and caches that output' {
        $null = Get-CachedResponse -Key 'question' @cache -ScriptBlock { throw 'down' } -ErrorAction Ignore

        Get-CachedResponse -Key 'question' @cache -ScriptBlock { $runs.Count++; 'recovered' } | Should -BeExactly 'recovered'
        $runs.Count | Should -Be 1
        Get-CachedResponse -Key 'question' @cache | Should -BeExactly 'recovered'
    }

    It 'with -Force keeps the previously cached response' {
        Set-CachedResponse -Key 'question' -Response 'good old answer' @cache

        $null = Get-CachedResponse -Key 'question' -Force @cache -ScriptBlock { throw 'down' } -ErrorAction Ignore

        Get-CachedResponse -Key 'question' @cache | Should -BeExactly 'good old answer'
    }

    # A user trial: the error this was took the answer from a caller with -ErrorAction Stop, a scheduled job's setting.
    It 'whose output cannot be cached still returns it, with a warning that says why, and caches nothing, even with -ErrorAction Stop' {
        $output = Get-CachedResponse -Key 'deep' -Depth 2 @cache -ErrorAction Stop -WarningVariable warned -WarningAction SilentlyContinue -ScriptBlock {
            $runs.Count++
            @{ a = @{ b = @{ c = 'paid for' } } }
        }

        $warned.Count | Should -Be 1
        $warned[0].Message | Should -Match 'was produced but not cached: .*-Depth'
        $output.a.b.c | Should -BeExactly 'paid for'
        $runs.Count | Should -Be 1
        Get-CachedResponse -Key 'deep' @cache | Should -BeNullOrEmpty
    }
}

Describe 'Get-or-add from parallel runspaces of one process on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        $runLog = Join-Path $TestDrive "runs-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $runLog
    }

    It 'runs the scriptblock once for 8 callers of the same key, and every caller gets its output' {
        # Every caller signals before it asks; the one whose scriptblock runs holds it until all 8 have asked,
        # so the others really arrive while it runs (with a bound, so a broken build cannot hang the suite).
        $arrived = [Threading.CountdownEvent]::new(8)
        $module = Get-ModuleUnderTestPath

        $answers = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:module
            $cache = $using:cache
            $arrived = $using:arrived
            $runLog = $using:runLog
            $null = $arrived.Signal()
            Get-CachedResponse -Key 'shared question' @cache -ScriptBlock {
                $null = New-Item -ItemType File -Path (Join-Path $runLog ([guid]::NewGuid().ToString('N')))
                $null = $arrived.Wait([TimeSpan]::FromSeconds(30))
                [pscustomobject]@{ answer = 42 }
            }
        }

        @(Get-ChildItem $runLog).Count | Should -Be 1
        $answers.Count | Should -Be 8
        $answers.answer | Should -Be @(42, 42, 42, 42, 42, 42, 42, 42)
        $stats = Get-CacheStats @cache
        $stats.Misses | Should -Be 1
        $stats.Hits | Should -Be 7
    }

    It 'runs a failing scriptblock once for 8 callers of the same key, and every caller gets its failure' {
        $arrived = [Threading.CountdownEvent]::new(8)
        $module = Get-ModuleUnderTestPath

        $failures = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:module
            $cache = $using:cache
            $arrived = $using:arrived
            $runLog = $using:runLog
            $null = $arrived.Signal()
            try {
                Get-CachedResponse -Key 'rate limited' @cache -ScriptBlock {
                    $null = New-Item -ItemType File -Path (Join-Path $runLog ([guid]::NewGuid().ToString('N')))
                    $null = $arrived.Wait([TimeSpan]::FromSeconds(30))
                    throw '429 Too Many Requests'
                }
            } catch {
                $_
            }
        }

        # Exactly one run per failure is the engine's (xunit); here a runspace that signalled but reached the cache only
        # after the failed run ended is a later caller and rightly runs again, so the check is that they did not all run.
        @(Get-ChildItem $runLog).Count | Should -BeLessThan 8
        $failures.Count | Should -Be 8
        $failures.FullyQualifiedErrorId | Sort-Object -Unique | Should -BeExactly 'ScriptBlockFailed,ResponseCache.Commands.GetCachedResponseCommand'
        $failures.Exception.Message | Sort-Object -Unique | Should -BeExactly '429 Too Many Requests'
        Get-CacheEntry @cache | Should -BeNullOrEmpty
    }
}

Describe 'Get-or-add on a cache directory' {
    It 'writes the scriptblock''s output to ai_responses.json' {
        $dir = New-CacheDirectoryPath -Parent $TestDrive

        $null = Get-CachedResponse -Key 'question' -Path $dir -ScriptBlock { 'the answer' }

        (Get-Content (Join-Path $dir 'ai_responses.json') -Raw | ConvertFrom-Json).(Get-KeyHash 'question').response | Should -BeExactly 'the answer'
    }
}
