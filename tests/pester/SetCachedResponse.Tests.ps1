BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Set-CachedResponse on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'takes -Key and -Response by position' {
        Set-CachedResponse 'positional key' 'positional answer' @cache

        Get-CachedResponse 'positional key' @cache | Should -BeExactly 'positional answer'
    }

    It 'replaces the response of a key that is already cached' {
        Set-CachedResponse -Key 'k' -Response 'first' @cache
        Set-CachedResponse -Key 'k' -Response 'second' @cache

        Get-CachedResponse -Key 'k' @cache | Should -BeExactly 'second'
        (Get-CacheStats @cache).TotalEntries | Should -Be 1
    }

    It 'takes -Key and -Response from the pipeline by property name' {
        [pscustomobject]@{ Key = 'piped key 1'; Response = 'piped answer 1' },
        [pscustomobject]@{ Key = 'piped key 2'; Response = 'piped answer 2' } | Set-CachedResponse @cache

        Get-CachedResponse -Key 'piped key 1' @cache | Should -BeExactly 'piped answer 1'
        Get-CachedResponse -Key 'piped key 2' @cache | Should -BeExactly 'piped answer 2'
    }

    Context 'Values piped with the key on the command line are one response, collected as ConvertTo-Json collects them' {
        It 'stores 1,2,3 piped under -Key nums as the one array [1,2,3]' {
            $verbose = 1, 2, 3 | Set-CachedResponse -Key 'nums' @cache -Verbose 4>&1 | Out-String

            Get-CachedResponse -Key 'nums' @cache -AsJson | Should -BeExactly '[1,2,3]'
            (Get-CacheStats @cache).TotalEntries | Should -Be 1
            $verbose | Should -Match 'Cached the response for key'
        }

        It 'stores the objects ConvertFrom-Json writes for a JSON array as that array' {
            '[{"id":1},{"id":2}]' | ConvertFrom-Json | Set-CachedResponse -Key 'cfj' @cache

            Get-CachedResponse -Key 'cfj' @cache -AsJson | Should -BeExactly '[{"id":1},{"id":2}]'
        }

        It 'stores one piped value as itself, not as an array of one' {
            [pscustomobject]@{ id = 1 } | Set-CachedResponse -Key 'one' @cache

            Get-CachedResponse -Key 'one' @cache -AsJson | Should -BeExactly '{"id":1}'
        }

        It 'stores the lines of a JSON file piped with -AsJson as the one JSON value they make, as ConvertFrom-Json reads them' {
            "{`n  ""model"": ""gpt-4o"",`n  ""choices"": [1, 2]`n}" -split "`n" | Set-CachedResponse -Key 'file' -AsJson @cache

            Get-CachedResponse -Key 'file' @cache -AsJson | Should -BeExactly '{"model":"gpt-4o","choices":[1,2]}'
        }

        It 'stores the composed key''s piped values as one response too' {
            'part one', 'part two' | Set-CachedResponse -Model 'm' -Prompt 'p' @cache

            Get-CachedResponse -Model 'm' -Prompt 'p' @cache | Should -Be @('part one', 'part two')
            (Get-CacheStats @cache).TotalEntries | Should -Be 1
        }
    }

    Context 'Eviction (-MaxEntries)' {
        It 'evicts the least recently used entry beyond -MaxEntries' {
            foreach ($key in 'oldest', 'middle', 'newest') { Set-CachedResponse -Key $key -Response $key @cache -MaxEntries 3 }

            Set-CachedResponse -Key 'one more' -Response 'one more' @cache -MaxEntries 3

            @(Get-CachedResponse -Key 'oldest' @cache).Count | Should -Be 0
            @('middle', 'newest', 'one more' | Get-CachedResponse @cache) | Should -Be @('middle', 'newest', 'one more')
        }

        It 'keeps an entry a Get used recently and evicts the next least recently used' {
            foreach ($key in 'oldest', 'middle', 'newest') { Set-CachedResponse -Key $key -Response $key @cache -MaxEntries 3 }
            $null = Get-CachedResponse -Key 'oldest' @cache

            Set-CachedResponse -Key 'one more' -Response 'one more' @cache -MaxEntries 3

            @(Get-CacheEntry @cache).KeyHash | Should -Be @('newest', 'oldest', 'one more' | ForEach-Object { Get-KeyHash $_ })
            Get-CachedResponse -Key 'oldest' @cache | Should -BeExactly 'oldest'
            @(Get-CachedResponse -Key 'middle' @cache).Count | Should -Be 0
        }

        It 'keeps the last -MaxEntries items of a pipeline longer than the cap' {
            1..10 | ForEach-Object { [pscustomobject]@{ Key = "key $_"; Response = $_ } } | Set-CachedResponse @cache -MaxEntries 3

            @(1..10 | ForEach-Object { "key $_" } | Get-CachedResponse @cache) | Should -Be @(8, 9, 10)
        }
    }
}

Describe 'Set-CachedResponse on a cache directory' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'writes the entry to ai_responses.json before it returns' {
        Set-CachedResponse -Key 'durable' -Response 'on disk' -Path $dir

        $onDisk = Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json -AsHashtable
        $onDisk[(Get-KeyHash 'durable')].response | Should -BeExactly 'on disk'
    }

    It 'stores all 500 items of a pipeline as one change: none is on disk before the pipeline ends' {
        $onDiskBeforeTheLastItem = -1
        1..500 | ForEach-Object {
            if ($_ -eq 500) { $onDiskBeforeTheLastItem = (Read-CacheOnDisk $dir).Count }
            [pscustomobject]@{ Key = "key $_"; Response = "answer $_" }
        } | Set-CachedResponse -Path $dir -MaxEntries 1000

        $onDiskBeforeTheLastItem | Should -Be 0
        (Read-CacheOnDisk $dir).Count | Should -Be 500
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 500
        $answers = @(1..500 | ForEach-Object { "key $_" } | Get-CachedResponse -Path $dir)
        $answers.Count | Should -Be 500
        $answers[0] | Should -BeExactly 'answer 1'
        $answers[499] | Should -BeExactly 'answer 500'
    }

    It 'leaves the evicted entry out of ai_responses.json' {
        foreach ($key in 'oldest', 'middle', 'newest') { Set-CachedResponse -Key $key -Response $key -Path $dir -MaxEntries 3 }
        $null = Get-CachedResponse -Key 'oldest' -Path $dir

        Set-CachedResponse -Key 'one more' -Response 'one more' -Path $dir -MaxEntries 3

        $onDisk = Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json -AsHashtable
        $onDisk.Keys | Should -Not -Contain (Get-KeyHash 'middle')
        $onDisk.Count | Should -Be 3
    }
}
