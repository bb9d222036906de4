BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-CachedResponse on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'returns the string Set-CachedResponse stored' {
        Set-CachedResponse -Key 'prompt: capital of France' -Response 'Paris' @cache

        Get-CachedResponse -Key 'prompt: capital of France' @cache | Should -BeExactly 'Paris'
    }

    It 'returns nothing at all on a miss: no $null in the pipeline' {
        Set-CachedResponse -Key 'present' -Response 'here' @cache

        $result = @(Get-CachedResponse -Key 'absent' @cache)

        $result.Count | Should -Be 0
    }

    It 'says "hit" in its verbose output on a hit' {
        Set-CachedResponse -Key 'k' -Response 'v' @cache

        $verbose = @(Get-CachedResponse -Key 'k' @cache -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] })

        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match '\bhit\b'
        $verbose[0].Message | Should -Not -Match '\bmiss\b'
    }

    It 'says "miss" in its verbose output on a miss' {
        $verbose = @(Get-CachedResponse -Key 'never stored' @cache -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] })

        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match '\bmiss\b'
        $verbose[0].Message | Should -Not -Match '\bhit\b'
    }

    Context 'Binding' {
        It 'takes -Key by position' {
            Set-CachedResponse -Key 'positional' -Response 'found' @cache

            Get-CachedResponse 'positional' @cache | Should -BeExactly 'found'
        }

        It 'takes keys from the pipeline by value, answering each in order and skipping misses' {
            Set-CachedResponse -Key 'a' -Response 'answer a' @cache
            Set-CachedResponse -Key 'b' -Response 'answer b' @cache

            $results = @('a', 'not cached', 'b' | Get-CachedResponse @cache)

            $results | Should -Be @('answer a', 'answer b')
        }

        It 'takes -Key from the pipeline by property name' {
            Set-CachedResponse -Key 'by name' -Response 'bound' @cache

            [pscustomobject]@{ Key = 'by name' } | Get-CachedResponse @cache | Should -BeExactly 'bound'
        }
    }

    Context 'Expiry (-TtlDays)' {
        It 'treats an entry older than -TtlDays as a miss' {
            # Within the cache's TTL of 7 days, which a namespace enforces on the server too.
            Write-TestCacheEntry -Cache $cache -Entries @(
                @{ Key = 'stale'; Response = 'old answer'; AgeDays = 3 }
                @{ Key = 'fresh'; Response = 'new answer'; AgeDays = 1 }
            )

            @(Get-CachedResponse -Key 'stale' -TtlDays 2 @cache).Count | Should -Be 0
            Get-CachedResponse -Key 'fresh' -TtlDays 2 @cache | Should -BeExactly 'new answer'
        }

        It 'expires after 7 days by default' {
            Write-TestCacheEntry -Cache $cache -Entries @(
                @{ Key = 'six days old'; Response = 'kept'; AgeDays = 6 }
                @{ Key = 'eight days old'; Response = 'expired'; AgeDays = 8 }
            )

            Get-CachedResponse -Key 'six days old' @cache | Should -BeExactly 'kept'
            @(Get-CachedResponse -Key 'eight days old' @cache).Count | Should -Be 0
        }

        It 'makes an entry a miss with -TtlDays 0 the moment it is stored' {
            Set-CachedResponse -Key 'fresh' -Response 'value' @cache

            Get-CachedResponse -Key 'fresh' -TtlDays 1 @cache | Should -BeExactly 'value'
            Get-CachedResponse -Key 'fresh' -TtlDays 0 @cache | Should -BeNullOrEmpty
        }
    }
}

Describe 'Get-CachedResponse on a cache directory' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'treats an entry older than -TtlDays as a miss and removes it from ai_responses.json' {
        $file = Write-CacheFile -Directory $dir -Entries @(
            @{ Key = 'stale'; Response = 'old answer'; AgeDays = 10 }
            @{ Key = 'fresh'; Response = 'new answer'; AgeDays = 1 }
        )

        @(Get-CachedResponse -Key 'stale' -TtlDays 7 -Path $dir).Count | Should -Be 0

        $onDisk = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json -AsHashtable
        $onDisk.Keys | Should -Not -Contain (Get-KeyHash 'stale')
        $onDisk.Keys | Should -Contain (Get-KeyHash 'fresh')
    }

    # Directory-only, a finding: a namespace expires an entry on the server once it is older than the cache's TtlDays,
    # so a read with a longer -TtlDays cannot get it back there; a directory keeps it until a read expires it.
    It 'serves an entry older than the cache''s TtlDays when -TtlDays is longer than its age' {
        Write-CacheFile -Directory $dir -Entries @(@{ Key = 'ten days old'; Response = 'still good'; AgeDays = 10 }) | Out-Null

        Get-CachedResponse -Key 'ten days old' -TtlDays 30 -Path $dir | Should -BeExactly 'still good'
    }

    It 'never expires an entry without created_at, as the reference treats hand-made entries' {
        Write-CacheFile -Directory $dir -Entries @(@{ Key = 'legacy'; Response = 'from an old tool'; CreatedAt = $null; LastAccessed = $null }) | Out-Null

        Get-CachedResponse -Key 'legacy' -TtlDays 0 -Path $dir | Should -BeExactly 'from an old tool'
    }
}
