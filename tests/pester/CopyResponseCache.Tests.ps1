<#
    Copy-ResponseCache from a cache to another on the same backend: what a user moving a cache sees. Copies between a
    directory and a namespace are in Redis.Tests.ps1; how entries keep their times and order is proven on the engine
    (CopyBetweenCachesTests).
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Copy-ResponseCache between two caches on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $source = New-TestCache -Kind $Kind
        $destination = New-TestCache -Kind $Kind
        $to = ConvertTo-DestinationSplat $destination
        $created = [DateTimeOffset]::UtcNow.AddDays(-2)
        # 'stale' is past the TTL of 7 days: a directory keeps it until it is read, a namespace never has it.
        Write-TestCacheEntry -Cache $source -Entries @(
            @{ Key = 'stale'; Response = 'too old'; AgeDays = 10 }
            @{ Key = 'two days old'; Response = @{ answer = 42; tags = @('a', 'b') }; CreatedAt = $created; LastAccessed = $created.AddHours(1) }
            @{ Key = 'fresh'; Response = 'new' }
        )
    }

    It 'copies the unexpired entries with their times and their order, says nothing unless -PassThru, and leaves the source as it was' {
        $before = @(Get-CacheEntry @source -TtlDays 100000)

        Copy-ResponseCache @source @to | Should -BeNullOrEmpty

        $copied = @(Get-CacheEntry @destination)
        $copied.KeyHash | Should -Be @((Get-KeyHash 'two days old'), (Get-KeyHash 'fresh'))
        $original = Get-CacheEntry @source -Key 'two days old'
        [Math]::Abs(($copied[0].Created - $original.Created).TotalMilliseconds) | Should -BeLessThan 2
        [Math]::Abs(($copied[0].LastAccessed - $original.LastAccessed).TotalMilliseconds) | Should -BeLessThan 2
        (Get-CachedResponse -Key 'two days old' @destination).tags | Should -Be @('a', 'b')
        $after = @(Get-CacheEntry @source -TtlDays 100000)
        $after.KeyHash | Should -Be $before.KeyHash
        $after.LastAccessed | Should -Be $before.LastAccessed
    }

    It 'outputs how many entries it copied with -PassThru' {
        Copy-ResponseCache @source @to -PassThru | Should -Be 2
    }

    It 'copies nothing with -WhatIf, and says how many it would copy and where' {
        $where = Get-TestCacheLocation $destination
        # -WhatIf writes to the host, which only another process's output shows.
        $whatIf = (Invoke-FreshPwsh -Script "Copy-ResponseCache $(ConvertTo-CacheParameterText $source) $(ConvertTo-CacheParameterText $to) -WhatIf").Output -join ' '

        $whatIf | Should -Match 'What if: .*Copy 2 cached responses'
        $whatIf | Should -Match ([regex]::Escape($where))
        @(Get-CacheEntry @destination).Count | Should -Be 0
    }

    It 'never narrows the limits of a destination never configured, so its own entries stay' {
        Write-TestCacheEntry -Cache $destination -Entries @(foreach ($n in 1..50) { @{ Key = "own $n"; Response = "own answer $n" } })
        Set-ResponseCacheConfiguration @source -MaxEntries 5 -TtlDays 3

        Copy-ResponseCache @source @to -PassThru -WarningVariable warned | Should -Be 2

        (Get-ResponseCacheConfiguration @destination).IsDefault | Should -BeTrue
        (Get-CacheStats @destination).TotalEntries | Should -Be 52
        $warned | Should -BeNullOrEmpty
    }

    It 'warns with how many landed when copied entries are older than the destination''s TtlDays' {
        Set-ResponseCacheConfiguration @destination -TtlDays 1

        Copy-ResponseCache @source @to -PassThru -WarningVariable warned -WarningAction SilentlyContinue | Should -Be 1

        $warned.Message | Should -Match '\b1 of the 2 copied responses\b'
    }

    It 'warns how many of the destination''s own entries its caps evicted to make room' {
        Write-TestCacheEntry -Cache $destination -Entries @(foreach ($n in 1..3) { @{ Key = "own $n"; Response = "own answer $n"; AgeDays = 5 } })
        Set-ResponseCacheConfiguration @destination -MaxEntries 3

        Copy-ResponseCache @source @to -PassThru -WarningVariable warned -WarningAction SilentlyContinue | Should -Be 2

        $warned.Message | Should -Match '\b2 of the 2 copied responses\b.*\b2 of its own entries were evicted\b'
        (Get-CacheStats @destination).TotalEntries | Should -Be 3
    }

    Context 'A source larger than the default cap of 100' {
        BeforeEach {
            1..300 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse @source -MaxEntries 1000
        }

        It 'gives a destination with no configuration of its own the source''s, so every entry lands' {
            Copy-ResponseCache @source @to -PassThru -WarningVariable warned | Should -Be 302

            (Get-ResponseCacheConfiguration @destination).MaxEntries | Should -Be 1000
            (Get-CacheStats @destination).TotalEntries | Should -Be 302
            $warned | Should -BeNullOrEmpty
        }

        It 'returns and warns how many landed when the destination''s own cap evicts copied entries' {
            Set-ResponseCacheConfiguration @destination -MaxEntries 50

            Copy-ResponseCache @source @to -PassThru -WarningVariable warned -WarningAction SilentlyContinue | Should -Be 50

            $warned.Message | Should -Match '\b50 of the 302\b'
            (Get-ResponseCacheConfiguration @destination).MaxEntries | Should -Be 50
            (Get-CacheStats @destination).TotalEntries | Should -Be 50
        }

        It 'says with -WhatIf how many the destination''s cap would keep' {
            Set-ResponseCacheConfiguration @destination -MaxEntries 50
            # -WhatIf writes to the host, which only another process's output shows.
            $whatIf = (Invoke-FreshPwsh -Script "Copy-ResponseCache $(ConvertTo-CacheParameterText $source) $(ConvertTo-CacheParameterText $to) -WhatIf").Output -join ' '

            $whatIf | Should -Match 'What if: .*Copy 302 cached responses.*at most 50'
            (Get-CacheStats @destination).TotalEntries | Should -Be 0
        }
    }

    It 'refuses to copy a cache onto itself with CopyToSameCache, changing nothing' {
        $before = @(Get-CacheEntry @source -TtlDays 100000)
        $itself = ConvertTo-DestinationSplat $source

        { Copy-ResponseCache @source @itself -ErrorAction Stop } |
            Should -Throw -ErrorId 'CopyToSameCache,ResponseCache.Commands.CopyResponseCacheCommand'

        $after = @(Get-CacheEntry @source -TtlDays 100000)
        $after.KeyHash | Should -Be $before.KeyHash
        $after.LastAccessed | Should -Be $before.LastAccessed
    }
}

Describe 'Copy-ResponseCache between directories' {
    BeforeEach {
        $source = New-CacheDirectoryPath -Parent $TestDrive
        $destination = New-CacheDirectoryPath -Parent $TestDrive
        $created = [DateTimeOffset]::UtcNow.AddDays(-2)
        Write-CacheFile -Directory $source -Entries @(
            @{ Key = 'stale'; Response = 'too old'; AgeDays = 10 }
            @{ Key = 'two days old'; Response = @{ answer = 42; tags = @('a', 'b') }; CreatedAt = $created; LastAccessed = $created.AddHours(1) }
            @{ Key = 'fresh'; Response = 'new' }
        ) | Out-Null
    }

    It 'keeps the times exactly and leaves the source file byte for byte' {
        $before = Get-FileSha256 (Get-CacheFilePath $source)

        Copy-ResponseCache -Path $source -DestinationPath $destination

        $original = Get-CacheEntry -Path $source -Key 'two days old'
        $copied = Get-CacheEntry -Path $destination -Key 'two days old'
        $copied.Created | Should -Be $original.Created
        $copied.LastAccessed | Should -Be $original.LastAccessed
        Get-FileSha256 (Get-CacheFilePath $source) | Should -Be $before
    }

    It 'creates no cache file with -WhatIf' {
        Copy-ResponseCache -Path $source -DestinationPath $destination -WhatIf

        Test-Path -LiteralPath (Get-CacheFilePath $destination) | Should -BeFalse
    }

    It 'refuses to copy a cache onto itself named by another path with CopyToSameCache, changing nothing' {
        $before = Get-FileSha256 (Get-CacheFilePath $source)

        { Copy-ResponseCache -Path $source -DestinationPath (Join-Path $source '.') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CopyToSameCache,ResponseCache.Commands.CopyResponseCacheCommand'

        Get-FileSha256 (Get-CacheFilePath $source) | Should -Be $before
    }

    # A user trial: a nightly backup from a mistyped path copied 0 entries, said nothing, and left a lock file there.
    It 'fails with CacheNotFound from a directory that holds no cache, as Copy-Item does for a missing source, creating nothing' {
        $typo = Join-Path $TestDrive 'ai-cahce'

        $copied = try { Copy-ResponseCache -Path $typo -DestinationPath $destination -PassThru } catch { $failure = $_ }

        $copied | Should -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeExactly 'CacheNotFound,ResponseCache.Commands.CopyResponseCacheCommand'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.TargetObject | Should -BeExactly $typo
        Test-Path -LiteralPath $typo | Should -BeFalse
        Test-Path -LiteralPath $destination | Should -BeFalse
    }
}
