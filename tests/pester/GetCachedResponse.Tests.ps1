BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-CachedResponse' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'returns the string Set-CachedResponse stored' {
        Set-CachedResponse -Key 'prompt: capital of France' -Response 'Paris' -Path $dir

        Get-CachedResponse -Key 'prompt: capital of France' -Path $dir | Should -BeExactly 'Paris'
    }

    It 'returns nothing at all on a miss: no $null in the pipeline' {
        Set-CachedResponse -Key 'present' -Response 'here' -Path $dir

        $result = @(Get-CachedResponse -Key 'absent' -Path $dir)

        $result.Count | Should -Be 0
    }

    It 'says "hit" in its verbose output on a hit' {
        Set-CachedResponse -Key 'k' -Response 'v' -Path $dir

        $verbose = @(Get-CachedResponse -Key 'k' -Path $dir -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] })

        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match '\bhit\b'
        $verbose[0].Message | Should -Not -Match '\bmiss\b'
    }

    It 'says "miss" in its verbose output on a miss' {
        $verbose = @(Get-CachedResponse -Key 'never stored' -Path $dir -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] })

        $verbose.Count | Should -Be 1
        $verbose[0].Message | Should -Match '\bmiss\b'
        $verbose[0].Message | Should -Not -Match '\bhit\b'
    }

    Context 'Binding' {
        It 'takes -Key by position' {
            Set-CachedResponse -Key 'positional' -Response 'found' -Path $dir

            Get-CachedResponse 'positional' -Path $dir | Should -BeExactly 'found'
        }

        It 'takes keys from the pipeline by value, answering each in order and skipping misses' {
            Set-CachedResponse -Key 'a' -Response 'answer a' -Path $dir
            Set-CachedResponse -Key 'b' -Response 'answer b' -Path $dir

            $results = @('a', 'not cached', 'b' | Get-CachedResponse -Path $dir)

            $results | Should -Be @('answer a', 'answer b')
        }

        It 'takes -Key from the pipeline by property name' {
            Set-CachedResponse -Key 'by name' -Response 'bound' -Path $dir

            [pscustomobject]@{ Key = 'by name' } | Get-CachedResponse -Path $dir | Should -BeExactly 'bound'
        }
    }

    Context 'Expiry (-TtlDays)' {
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

        It 'expires after 7 days by default' {
            Write-CacheFile -Directory $dir -Entries @(
                @{ Key = 'six days old'; Response = 'kept'; AgeDays = 6 }
                @{ Key = 'eight days old'; Response = 'expired'; AgeDays = 8 }
            )

            Get-CachedResponse -Key 'six days old' -Path $dir | Should -BeExactly 'kept'
            @(Get-CachedResponse -Key 'eight days old' -Path $dir).Count | Should -Be 0
        }

        It 'serves an old entry when -TtlDays is longer than its age' {
            Write-CacheFile -Directory $dir -Entries @(@{ Key = 'ten days old'; Response = 'still good'; AgeDays = 10 })

            Get-CachedResponse -Key 'ten days old' -TtlDays 30 -Path $dir | Should -BeExactly 'still good'
        }

        It 'never expires an entry without created_at, as the reference treats hand-made entries' {
            Write-CacheFile -Directory $dir -Entries @(@{ Key = 'legacy'; Response = 'from an old tool'; CreatedAt = $null; LastAccessed = $null }) | Out-Null

            Get-CachedResponse -Key 'legacy' -TtlDays 0 -Path $dir | Should -BeExactly 'from an old tool'
        }
    }
}
