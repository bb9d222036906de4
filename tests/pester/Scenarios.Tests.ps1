<#
    End-to-end user scripts: what a user writes around the cmdlets, and what they see.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-or-add as a user script meets failures and Ctrl+C' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        $bound = [TimeSpan]::FromSeconds(30)
    }

    It 'try/catch around a failing API call catches it, and the next try runs it again' {
        $attempts = @{ Count = 0 }
        $answer = foreach ($try in 1..2) {
            try {
                Get-CachedResponse -Key 'flaky' -Path $cache -ScriptBlock {
                    $attempts.Count++
                    if ($attempts.Count -eq 1) { throw 'The API returned 429' }
                    'answer on the second try'
                }
                break
            } catch {
                $_.FullyQualifiedErrorId | Should -BeLike 'ScriptBlockFailed,*'
            }
        }

        $answer | Should -BeExactly 'answer on the second try'
        Get-CachedResponse -Key 'flaky' -Path $cache | Should -BeExactly 'answer on the second try'
    }

    # A user trial: a scheduled job ($ErrorActionPreference = 'Stop') paid for the answer, then lost it to the error
    # the failed write was; a lock held too long was already only a warning.
    It 'a job with $ErrorActionPreference Stop keeps the answer it paid for when the cache cannot store it, and is warned' {
        Set-CachedResponse -Key 'old' -Response 'kept' -Path $cache
        $snapshot = Get-CacheFilePath $cache
        Remove-Item -LiteralPath $snapshot
        $null = New-Item -ItemType Directory -Path $snapshot

        $ErrorActionPreference = 'Stop'
        $answer = Get-CachedResponse -Key 'new' -Path $cache -WarningVariable warned -WarningAction SilentlyContinue -ScriptBlock { 'paid for' }

        $answer | Should -BeExactly 'paid for'
        $warned.Message | Should -Match 'was produced but not cached: .*a directory is in its place'
    }

    It 'a throw in -ScriptBlock ends its statement, as a cmdlet''s terminating error does, and the script goes on' {
        # A process of its own: inside any try (Pester's included) the error would end the try block instead.
        $run = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Continue'
`$null = Get-CachedResponse -Key 'thrown' -Path '$cache' -ScriptBlock { throw 'The API returned 500' }
'the next statement ran'
"@

        $run.Output | Should -Be @('the next statement ran')
        $run.Errors -join "`n" | Should -Match 'The API returned 500'
    }

    It '$Error[0] is the ScriptBlockFailed record the caller sees, whether it catches the failure or silences it' {
        $Error.Clear()
        try { Get-CachedResponse -Key 'caught' -Path $cache -ScriptBlock { throw 'The API returned 500' } } catch { $caught = $_ }
        $afterCatch = @($Error)
        $Error.Clear()
        Get-CachedResponse -Key 'silenced' -Path $cache -ScriptBlock { throw 'The API returned 500' } -ErrorAction SilentlyContinue -ErrorVariable silenced
        $afterSilence = @($Error)

        $afterCatch.Count | Should -Be 1
        $afterCatch[0].Exception | Should -Be $caught.Exception
        $afterCatch[0].FullyQualifiedErrorId | Should -BeLike 'ScriptBlockFailed,*'
        $afterSilence.Count | Should -Be 1
        $afterSilence[0].Exception | Should -Be $silenced[0].Exception
        $afterSilence[0].FullyQualifiedErrorId | Should -BeLike 'ScriptBlockFailed,*'
    }

    It 'Ctrl+C stops a get-or-add waiting for another runspace''s producer, and that run still caches its answer' {
        $release = [Threading.ManualResetEventSlim]::new($false)
        $started = [Threading.ManualResetEventSlim]::new($false)
        $producer = New-TestShell
        $null = $producer.AddScript({
            param($cache, $started, $release)
            Get-CachedResponse -Key 'slow' -Path $cache -ScriptBlock { $started.Set(); $null = $release.Wait([TimeSpan]::FromSeconds(30)); 'slow answer' }
        }).AddArgument($cache).AddArgument($started).AddArgument($release)
        $waiter = New-TestShell
        $null = $waiter.AddScript({
            param($cache)
            Get-CachedResponse -Key 'slow' -Path $cache -ScriptBlock { 'must not run' }
        }).AddArgument($cache)
        $producing = $waiting = $null
        try {
            $producing = $producer.BeginInvoke()
            $started.Wait($bound) | Should -BeTrue
            $waiting = $waiter.BeginInvoke()
            $null = $waiting.AsyncWaitHandle.WaitOne([TimeSpan]::FromMilliseconds(200))

            $stopping = $waiter.BeginStop($null, $null)

            $stopping.AsyncWaitHandle.WaitOne($bound) | Should -BeTrue -Because 'Ctrl+C ends the wait for the producer'
            $waiter.InvocationStateInfo.State | Should -Be 'Stopped'
            $release.Set()
            $producer.EndInvoke($producing) | Should -BeExactly 'slow answer'
            Get-CachedResponse -Key 'slow' -Path $cache | Should -BeExactly 'slow answer'
        } finally {
            $release.Set()
            Close-TestShell $producer $producing
            Close-TestShell $waiter $waiting
        }
    }

    It 'Ctrl+C stops <Command> waiting for the cross-process lock, and nothing is written' -ForEach @(
        @{ Command = 'a get-or-add'; Script = { param($cache) Get-CachedResponse -Key 'question' -Force -Path $cache -ScriptBlock { 'answer' } } }
        @{ Command = 'Set-CachedResponse'; Script = { param($cache) Set-CachedResponse -Key 'question' -Response 'answer' -Path $cache } }
        @{ Command = 'Remove-CachedResponse'; Script = { param($cache) Remove-CachedResponse -Key 'before' -Path $cache } }
        @{ Command = 'Clear-ResponseCache'; Script = { param($cache) Clear-ResponseCache -Path $cache } }
        @{ Command = 'Set-ResponseCacheConfiguration'; Script = { param($cache) Set-ResponseCacheConfiguration -MaxEntries 1 -Path $cache } }
    ) {
        # A lock timeout longer than the test's bound (read when this process first uses the directory): only
        # cancellation can end the wait in time.
        $env:RESPONSECACHE_LOCK_TIMEOUT_SECONDS = 600
        Set-CachedResponse -Key 'before' -Response 'kept' -Path $cache
        $before = Get-FileSha256 (Get-CacheFilePath $cache)
        $lock = [IO.File]::Open((Get-CacheFilePath $cache) + '.lock', 'OpenOrCreate', 'ReadWrite', 'None')
        $waiter = New-TestShell
        $null = $waiter.AddScript($Script.ToString()).AddArgument($cache)
        $waiting = $null
        try {
            $waiting = $waiter.BeginInvoke()
            $waiting.AsyncWaitHandle.WaitOne([TimeSpan]::FromMilliseconds(500)) | Should -BeFalse -Because 'the call waits for the lock'

            $stopping = $waiter.BeginStop($null, $null)

            $stopping.AsyncWaitHandle.WaitOne($bound) | Should -BeTrue -Because 'Ctrl+C ends the wait for the lock'
            $waiter.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            Close-TestShell $waiter $waiting
            $lock.Dispose()
            Remove-Item Env:RESPONSECACHE_LOCK_TIMEOUT_SECONDS -ErrorAction Ignore
        }
        Get-FileSha256 (Get-CacheFilePath $cache) | Should -BeExactly $before
        Test-Path ((Get-CacheFilePath $cache) + '.settings') | Should -BeFalse
        Get-CachedResponse -Key 'question' -Path $cache | Should -BeNullOrEmpty
        @(Get-ChildItem $cache -Filter '*.tmp*').Count | Should -Be 0
    }
}

Describe 'Scenario: replies piped in, then a maintenance job on one cache' {
    It 'caches whole replies from a batch run, and the nightly job prunes only the project cache' {
        $projectCache = New-CacheDirectoryPath -Parent $TestDrive
        $personalCache = New-CacheDirectoryPath -Parent $TestDrive
        Set-CachedResponse -Key 'keep me' -Response 'personal' -Path $personalCache

        # The batch script: each reply, as Invoke-RestMethod returns it, piped straight into the cache.
        foreach ($question in 'What is 2+2?', 'Capital of France?', 'Translate: cat') {
            $reply = [pscustomobject]@{
                id      = "chatcmpl-$($question.Length)"
                object  = 'chat.completion'
                created = 1733100000
                choices = @([pscustomobject]@{ index = 0; message = [pscustomobject]@{ role = 'assistant'; content = "answer to $question" } })
            }
            $reply | Set-CachedResponse -Model 'gpt-4o-mini' -Prompt $question -Path $projectCache
        }

        # The next run reads the content it needs from the whole reply.
        (Get-CachedResponse -Model 'gpt-4o-mini' -Prompt 'Capital of France?' -Path $projectCache).choices[0].message.content |
            Should -BeExactly 'answer to Capital of France?'

        # The nightly job: prune the project cache's biggest entries, with a look first.
        $biggest = Get-CacheEntry -Path $projectCache | Sort-Object SizeBytes -Descending | Select-Object -First 2
        $biggest | Remove-CachedResponse -WhatIf
        (Read-CacheOnDisk $projectCache).Count | Should -Be 3
        $biggest | Remove-CachedResponse -PassThru | Should -Be 2

        (Read-CacheOnDisk $projectCache).Count | Should -Be 1
        Get-CachedResponse -Key 'keep me' -Path $personalCache | Should -BeExactly 'personal'
    }
}

Describe 'Scenario: jobs on many hosts share a Redis namespace, a person looks at it from a console' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
        $server = Get-TestRedisServer -Kind Garnet
        $namespace = 'scenario-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    }

    It 'fills the namespace from jobs that name it only in RESPONSECACHE_REDIS, and a console one-liner prunes it and reads it at 80 columns' {
        $jobs = @{ RESPONSECACHE_REDIS = $server.ConnectionString }
        # Two "hosts": each job run is a fresh pwsh whose script names no cache at all.
        foreach ($hostName in 'build-01', 'build-02') {
            $run = Invoke-FreshPwsh -Environment $jobs -Script @"
`$PSDefaultParameterValues['*-Cache*:Namespace'] = '$namespace'
foreach (`$file in 'a.cs', 'b.cs') {
    `$review = Get-CachedResponse -Model 'gpt-4o-mini' -Prompt 'review' -InputText `$file -ScriptBlock {
        [pscustomobject]@{ model = 'gpt-4o-mini'; message = [pscustomobject]@{ role = 'assistant'; content = "review of `$file by $hostName" } }
    }
    `$review.message.content
}
"@
            $run.Errors | Should -BeNullOrEmpty
        }

        # The second host paid for nothing: it got the first host's reviews.
        $redis = @{ ConnectionString = $server.ConnectionString; Namespace = $namespace }
        (Get-CachedResponse -Model 'gpt-4o-mini' -Prompt 'review' -InputText 'b.cs' @redis).message.content | Should -BeExactly 'review of b.cs by build-01'
        $stats = Get-CacheStats @redis
        $stats.SharedHits | Should -Be 3
        $stats.SharedMisses | Should -Be 2

        # The console: a maintenance one-liner on what the jobs filled, and a look at it in an 80-column window.
        $piped = Get-CacheEntry @redis | Select-Object -First 1
        { $piped | Remove-CachedResponse -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'CacheEntryPathConflict,*'
        $piped | Remove-CachedResponse -PassThru | Should -Be 1
        $view = Get-CacheStats @redis | Out-String -Width 80
        $view | Should -Match "(?m)^Location\s*: redis://$([regex]::Escape($server.Endpoint)) namespace '$namespace'\s*$"
        $view | Should -Match '(?m)^SharedHits\s*: 3\s*$'
        $view | Should -Match '(?m)^TotalEntries\s*: 1\s*$'
        ($view -split '\r?\n' | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}
