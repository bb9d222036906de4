<#
.SYNOPSIS
    The cache's own configuration: Set-/Get-ResponseCacheConfiguration, the caps a call sets on purpose, the caps a
    call that sets none respects, and -TtlDays as the freshness one caller accepts.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Limits that belong to the cache on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        $cacheText = ConvertTo-CacheParameterText $cache
    }

    It 'keeps all 300 entries a -MaxEntries 1000 pipeline stored when a one-liner without -MaxEntries adds one' {
        1..300 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse @cache -MaxEntries 1000

        $null = Get-CachedResponse -Key new @cache -ScriptBlock { 'x' }

        (Get-CacheStats @cache).TotalEntries | Should -Be 301
    }

    It 'uses the reference defaults until the cache is configured' {
        $configuration = Get-ResponseCacheConfiguration @cache

        $configuration | Should -BeOfType ([ResponseCache.Core.CacheConfiguration])
        $configuration.MaxEntries | Should -Be 100
        $configuration.MaxSizeMB | Should -BeNullOrEmpty
        $configuration.TtlDays | Should -Be 7
    }

    It 'stores what Set-ResponseCacheConfiguration sets, for Get-ResponseCacheConfiguration and Get-CacheStats' {
        $passed = Set-ResponseCacheConfiguration @cache -MaxEntries 5000 -MaxSizeMB 50 -TtlDays 30 -PassThru

        $read = Get-ResponseCacheConfiguration @cache
        $stats = Get-CacheStats @cache
        foreach ($shown in $passed, $read, $stats) {
            $shown.MaxEntries | Should -Be 5000
            $shown.MaxSizeMB | Should -Be 50
            $shown.TtlDays | Should -Be 30
        }
    }

    It 'changes only the values given, and -MaxSizeMB 0 removes the size cap' {
        Set-ResponseCacheConfiguration @cache -MaxEntries 500 -MaxSizeMB 2

        Set-ResponseCacheConfiguration @cache -MaxSizeMB 0

        $configuration = Get-ResponseCacheConfiguration @cache
        $configuration.MaxEntries | Should -Be 500
        $configuration.MaxSizeMB | Should -BeNullOrEmpty
    }

    It 'with -WhatIf says how many entries a lower -MaxEntries would evict and changes nothing' {
        1..5 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse @cache

        # -WhatIf writes to the host, which only another process's output shows.
        $whatIf = Invoke-FreshPwsh -Script "Set-ResponseCacheConfiguration $cacheText -MaxEntries 2 -WhatIf"

        $whatIf.Output -join ' ' | Should -Match 'What if: .*MaxEntries 2.*evicting the 3 least recently used entries'
        (Get-ResponseCacheConfiguration @cache).MaxEntries | Should -Be 100
        (Get-CacheStats @cache).TotalEntries | Should -Be 5
    }

    It 'evicts the least recently used entries at once when -MaxEntries is lowered' {
        foreach ($key in 'a', 'b', 'c', 'd') { Set-CachedResponse -Key $key -Response $key @cache }

        Set-ResponseCacheConfiguration @cache -MaxEntries 2

        @(Get-CacheEntry @cache).KeyHash | Should -Be @((Get-KeyHash 'c'), (Get-KeyHash 'd'))
    }

    It 'makes an explicit -MaxEntries on Set-CachedResponse the cache''s, and says so in a verbose message' {
        $verbose = Set-CachedResponse -Key 'a' -Response 'a' @cache -MaxEntries 3 -Verbose 4>&1 | Out-String

        $verbose | Should -Match 'MaxEntries 3'
        (Get-ResponseCacheConfiguration @cache).MaxEntries | Should -Be 3
    }

    It 'with -WhatIf, Set-CachedResponse stores nothing, lowers no cap, and says what it would store and evict' {
        1..30 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse @cache

        # -WhatIf writes to the host, which only another process's output shows.
        $whatIf = (Invoke-FreshPwsh -Script @"
Set-CachedResponse -Key 'plain' -Response 'y' $cacheText -WhatIf
Set-CachedResponse -Key 'lowering' -Response 'y' $cacheText -MaxEntries 10 -WhatIf
"@).Output -join ' '

        $whatIf | Should -Match 'What if: .*plain'
        $whatIf | Should -Match 'What if: .*MaxEntries 10,.*now MaxEntries 100,.*evicting the 20 least recently used entries'
        (Get-ResponseCacheConfiguration @cache).MaxEntries | Should -Be 100
        (Get-CacheStats @cache).TotalEntries | Should -Be 30
        Get-CachedResponse -Key 'plain' @cache | Should -BeNullOrEmpty
    }

    It 'takes a configuration piped from Get-ResponseCacheConfiguration, its lack of a size cap included' {
        $source = New-TestCache -Kind $Kind
        Set-ResponseCacheConfiguration @source -MaxEntries 700 -TtlDays 12
        Set-ResponseCacheConfiguration @cache -MaxSizeMB 5

        Get-ResponseCacheConfiguration @source | Set-ResponseCacheConfiguration @cache -ErrorAction Stop

        $copied = Get-ResponseCacheConfiguration @cache
        $copied.MaxEntries, $copied.TtlDays | Should -Be @(700, 12)
        $copied.MaxSizeMB | Should -BeNullOrEmpty
    }

    It 'refuses -TtlDays 0, which would expire every entry at once, and says it does not mean never' {
        Set-CachedResponse -Key 'kept' -Response 'x' @cache

        { Set-ResponseCacheConfiguration @cache -TtlDays 0 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetResponseCacheConfigurationCommand' -ExpectedMessage '*not*never*'

        (Get-ResponseCacheConfiguration @cache).TtlDays | Should -Be 7
        Get-CachedResponse -Key 'kept' @cache | Should -BeExactly 'x'
    }

    It 'rejects <Case> with a validation error' -ForEach @(
        @{ Case = '-MaxEntries 0'; Call = { Set-ResponseCacheConfiguration @cache -MaxEntries 0 } }
        @{ Case = '-TtlDays -1'; Call = { Set-ResponseCacheConfiguration @cache -TtlDays -1 } }
        @{ Case = '-MaxSizeMB -1'; Call = { Set-ResponseCacheConfiguration @cache -MaxSizeMB -1 } }
    ) {
        $Call | Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        $configuration = Get-ResponseCacheConfiguration @cache
        $configuration.MaxEntries, $configuration.TtlDays | Should -Be @(100, 7)
        $configuration.MaxSizeMB | Should -BeNullOrEmpty
        if (Test-DirectoryCache $cache) { Test-Path "$($cache.Path)/ai_responses.json.settings" | Should -BeFalse }
    }

    It 'is what a console one-liner evicts to after a scheduled job in another process configured the cache' {
        $job = Invoke-FreshPwsh -Script @"
Set-ResponseCacheConfiguration $cacheText -MaxEntries 1000
1..150 | ForEach-Object { [pscustomobject]@{ Key = "job `$_"; Response = "paid `$_" } } | Set-CachedResponse $cacheText
"@
        $job.Errors | Should -BeNullOrEmpty

        Set-CachedResponse -Key 'console' -Response 'x' @cache

        (Get-CacheStats @cache).TotalEntries | Should -Be 151
        (Get-CacheStats @cache).MaxEntries | Should -Be 1000
    }
}

Describe 'The configuration of a cache directory' {
    It 'is kept in ai_responses.json.settings' {
        $dir = New-CacheDirectoryPath -Parent $TestDrive

        Set-ResponseCacheConfiguration -Path $dir -MaxEntries 5000 -MaxSizeMB 50 -TtlDays 30

        "$dir/ai_responses.json.settings" | Should -Exist
    }
}

Describe '-TtlDays on a read is the freshness this caller accepts, on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        Write-TestCacheEntry -Cache $cache -Entries @(@{ Key = 'two days old'; Response = 'paid for' ; AgeDays = 2 })
    }

    It 'misses an entry older than -TtlDays but leaves it for callers that accept its age' {
        @(Get-CachedResponse -Key 'two days old' -TtlDays 1 @cache).Count | Should -Be 0

        Get-CachedResponse -Key 'two days old' @cache | Should -BeExactly 'paid for'
    }
}

# A finding: lowering a namespace's TtlDays removes the entries it puts in the past at once, where a directory keeps
# them, listed as expired, until Clear-ResponseCache -Expired; so this stays on directories.
Describe 'The cache''s TtlDays on a cache directory' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $null = Write-CacheFile -Directory $dir -Entries @(@{ Key = 'two days old'; Response = 'paid for' ; AgeDays = 2 })
    }

    It 'judges Get-CacheEntry, Get-CacheStats and Clear-ResponseCache -Expired by the cache''s TtlDays when -TtlDays is not given' {
        Set-ResponseCacheConfiguration -Path $dir -TtlDays 1

        (Get-CacheEntry -Path $dir).IsExpired | Should -BeTrue
        (Get-CacheStats -Path $dir).ExpiredEntries | Should -Be 1
        Clear-ResponseCache -Expired -PassThru -Path $dir | Should -Be 1
    }
}
