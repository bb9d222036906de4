BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-CacheStats on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'returns one ResponseCache.Core.CacheStatistics with every documented property' {
        $stats = @(Get-CacheStats @cache)

        $stats.Count | Should -Be 1
        $stats[0] | Should -BeOfType ([ResponseCache.Core.CacheStatistics])
        $stats[0].PSObject.Properties.Name | Should -Be @(
            'TotalEntries', 'FileEntries', 'ExpiredEntries', 'ActiveEntries', 'MaxEntries', 'MaxSizeMB', 'TtlDays', 'CacheFile', 'Location',
            'CacheSizeKB', 'Hits', 'Misses', 'HitRatio', 'Evictions', 'EntryHits', 'SavedInputTokens', 'SavedOutputTokens', 'SavedProducerTime',
            'SavedCost', 'UnpricedInputTokens', 'UnpricedOutputTokens', 'SharedHits', 'SharedMisses')
    }

    It 'counts entries, hits, misses and evictions after a known sequence' {
        foreach ($key in 'a', 'b', 'c') { Set-CachedResponse -Key $key -Response "answer $key" @cache -MaxEntries 3 }
        $null = Get-CachedResponse -Key 'a' @cache
        $null = Get-CachedResponse -Key 'a' @cache
        $null = Get-CachedResponse -Key 'c' @cache
        $null = Get-CachedResponse -Key 'not cached' @cache
        Set-CachedResponse -Key 'd' -Response 'answer d' @cache -MaxEntries 3

        $stats = Get-CacheStats @cache

        $stats.TotalEntries | Should -Be 3
        $stats.ExpiredEntries | Should -Be 0
        $stats.ActiveEntries | Should -Be 3
        $stats.Hits | Should -Be 3
        $stats.Misses | Should -Be 1
        $stats.HitRatio | Should -Be 0.75
        $stats.Evictions | Should -Be 1
        $stats.MaxEntries | Should -Be 3
        $stats.TtlDays | Should -Be 7
    }

    It 'reports zero lookups as a hit ratio of 0 and an empty cache as 0 KB' {
        $stats = Get-CacheStats @cache

        $stats.TotalEntries | Should -Be 0
        $stats.HitRatio | Should -Be 0
        $stats.CacheSizeKB | Should -Be 0
    }

    It 'counts entries older than -TtlDays as expired without removing them, still showing the cache''s TtlDays' {
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'two days old'; Response = 'x'; AgeDays = 2 }
            @{ Key = 'five days old'; Response = 'y'; AgeDays = 5 }
            @{ Key = 'today'; Response = 'z' }
        )

        $shorter = Get-CacheStats @cache -TtlDays 1
        $longer = Get-CacheStats @cache -TtlDays 3

        $shorter.TotalEntries | Should -Be 3
        $shorter.ExpiredEntries | Should -Be 2
        $shorter.ActiveEntries | Should -Be 1
        $longer.TotalEntries | Should -Be 3
        $longer.ExpiredEntries | Should -Be 1
        $longer.ActiveEntries | Should -Be 2
        $longer.TtlDays | Should -Be 7
    }
}

Describe 'Get-CacheStats on a cache directory' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    # Entries past the cache's TTL stay in a directory until something removes them; a namespace drops them itself.
    It 'counts entries older than the cache''s TtlDays as expired without removing them' {
        Write-CacheFile -Directory $dir -Entries @(
            @{ Key = 'ten days old'; Response = 'x'; AgeDays = 10 }
            @{ Key = 'twenty days old'; Response = 'y'; AgeDays = 20 }
            @{ Key = 'today'; Response = 'z' }
        )

        $default = Get-CacheStats -Path $dir
        $longer = Get-CacheStats -Path $dir -TtlDays 15

        $default.TotalEntries | Should -Be 3
        $default.ExpiredEntries | Should -Be 2
        $default.ActiveEntries | Should -Be 1
        $longer.ExpiredEntries | Should -Be 1
        $longer.ActiveEntries | Should -Be 2
        $longer.TtlDays | Should -Be 7
    }

    It 'gives the smaller size right after Clear-ResponseCache -Expired on a cache large enough for a journal' {
        $null = Write-CacheFile -Directory $dir -Entries @(foreach ($n in 1..800) {
                @{ Key = "entry $n"; Response = ''.PadRight(1024, 'x'); AgeDays = $(if ($n -le 400) { 10 } else { 0 }) }
            })
        $before = Get-CacheStats -Path $dir

        Clear-ResponseCache -Path $dir -Expired -Confirm:$false
        $after = Get-CacheStats -Path $dir

        $after.TotalEntries | Should -Be 400
        $after.CacheSizeKB | Should -BeLessThan ($before.CacheSizeKB * 0.6)
        $after.CacheSizeKB | Should -Be ([math]::Round((Get-Item -LiteralPath (Get-CacheFilePath $dir)).Length / 1024, 2))
    }

    It 'names the cache file and gives its size in KB rounded to two places' {
        Set-CachedResponse -Key 'sized' -Response ('x' * 3000) -Path $dir

        $stats = Get-CacheStats -Path $dir
        $file = Get-Item -LiteralPath (Get-CacheFilePath $dir)

        $stats.CacheFile | Should -BeExactly $file.FullName
        $stats.CacheSizeKB | Should -Be ([math]::Round($file.Length / 1024, 2))
        $stats.CacheSizeKB | Should -BeGreaterThan 2.9
    }
}
