<#
    Looking after a cache: Remove-CachedResponse (by key, from the pipeline, -WhatIf, -PassThru), Get-CacheEntry's
    metadata and filters, the -MaxSizeMB cap, progress on large listings, and the default
    views. Expired entries are written by hand with an old created_at; nothing waits.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    # The key hashes Get-CacheEntry lists for a cache splat, or for a cache directory.
    function Get-ListedHashes($Cache) {
        if ($Cache -isnot [hashtable]) { $Cache = @{ Path = $Cache } }
        @(Get-CacheEntry @Cache | ForEach-Object KeyHash)
    }

    # Two entries 10 days old, one fresh, and one without created_at (never expires), least recently used first.
    function Write-MixedAgeCache([string] $Directory) {
        $now = [DateTimeOffset]::Now
        Write-CacheFile -Directory $Directory -Entries @(
            @{ Key = 'old 1'; Json = '"stale"'; CreatedAt = $now.AddDays(-10); LastAccessed = $now.AddDays(-10) }
            @{ Key = 'legacy'; Json = '"no created_at"'; CreatedAt = $null; LastAccessed = $now.AddDays(-9) }
            @{ Key = 'old 2'; Json = '"stale too"'; CreatedAt = $now.AddDays(-8); LastAccessed = $now.AddDays(-1) }
            @{ Key = 'fresh'; Json = '"new"'; CreatedAt = $now.AddHours(-1); LastAccessed = $now.AddMinutes(-5) }
        ) | Out-Null
    }

    function Assert-SameInstant($Actual, [datetime] $Expected) {
        $Actual | Should -BeOfType [datetime]
        [math]::Abs(($Actual - $Expected).TotalMilliseconds) | Should -BeLessThan 2
    }
}

Describe 'Remove-CachedResponse on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        foreach ($key in 'alpha', 'beta', 'gamma') { Set-CachedResponse -Key $key -Response "$key answer" @cache }
    }

    It 'removes the entry of a key and leaves the others' {
        Remove-CachedResponse -Key 'beta' @cache

        Get-CachedResponse -Key 'beta' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'alpha' @cache | Should -BeExactly 'alpha answer'
        Get-ListedHashes $cache | Sort-Object | Should -Be (@((Get-KeyHash 'alpha'), (Get-KeyHash 'gamma')) | Sort-Object)
    }

    It 'outputs nothing without -PassThru, and with it the number of entries that were there' {
        Remove-CachedResponse -Key 'alpha' @cache | Should -BeNullOrEmpty

        Remove-CachedResponse -Key 'beta', 'not cached', 'gamma' -PassThru @cache | Should -Be 2
    }

    It 'removes key texts from the pipeline' {
        'alpha', 'gamma' | Remove-CachedResponse -PassThru @cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'beta')
    }

    It 'removes the entries Get-CacheEntry outputs, bound by their KeyHash' {
        $beta = Get-KeyHash 'beta'

        Get-CacheEntry @cache | Where-Object KeyHash -ne $beta | Remove-CachedResponse -PassThru @cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @($beta)
    }

    It 'with -WhatIf removes nothing' {
        Remove-CachedResponse -Key 'alpha', 'beta' -WhatIf @cache
        Get-CacheEntry @cache | Remove-CachedResponse -WhatIf @cache

        @(Get-CacheEntry @cache).Count | Should -Be 3
    }

    It 'reports a key hash that is neither 64 hex digits nor 8 or more of their first as InvalidKeyHash and still removes the valid ones' {
        $sevenDigits = (Get-KeyHash 'beta').Substring(0, 7)

        Remove-CachedResponse -KeyHash 'not-a-hash', $sevenDigits, (Get-KeyHash 'alpha') -PassThru @cache -ErrorVariable failure -ErrorAction SilentlyContinue |
            Should -Be 1

        $failure.Count | Should -Be 2
        $failure.FullyQualifiedErrorId | Should -BeExactly @('InvalidKeyHash,ResponseCache.Commands.RemoveCachedResponseCommand', 'InvalidKeyHash,ResponseCache.Commands.RemoveCachedResponseCommand')
        $failure.TargetObject | Should -BeExactly @('not-a-hash', $sevenDigits)
        @(Get-CacheEntry @cache).Count | Should -Be 2
    }

    It 'removes the one entry whose key hash starts with the eight digits a table shows, in either case' {
        $alpha = (Get-KeyHash 'alpha').Substring(0, 8).ToUpperInvariant()
        $gamma = (Get-KeyHash 'gamma').Substring(0, 12)

        Remove-CachedResponse -KeyHash $alpha, $gamma -PassThru @cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'beta')
    }

    It 'removes nothing, and reports no error, for a prefix no entry''s hash starts with' {
        Remove-CachedResponse -KeyHash (Get-KeyHash 'never stored').Substring(0, 8) -PassThru @cache -ErrorVariable failure | Should -Be 0

        $failure | Should -BeNullOrEmpty
        @(Get-CacheEntry @cache).Count | Should -Be 3
    }

    It 'refuses a prefix that several entries'' hashes start with as AmbiguousKeyHash, naming each of them, and removes the others asked for' {
        # Their hashes share the first eight digits, b3de1bbe.
        Set-CachedResponse -Key 'twin 117425' -Response 'one' @cache
        Set-CachedResponse -Key 'twin 119165' -Response 'two' @cache

        Remove-CachedResponse -KeyHash 'b3de1bbe', (Get-KeyHash 'alpha') -PassThru @cache -ErrorVariable failure -ErrorAction SilentlyContinue |
            Should -Be 1

        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly 'AmbiguousKeyHash,ResponseCache.Commands.RemoveCachedResponseCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure[0].TargetObject | Should -BeExactly 'b3de1bbe'
        $failure[0].Exception.Message | Should -Match (Get-KeyHash 'twin 117425')
        $failure[0].Exception.Message | Should -Match (Get-KeyHash 'twin 119165')
        @(Get-CacheEntry @cache).Count | Should -Be 4
        Remove-CachedResponse -KeyHash 'b3de1bbe9' -PassThru @cache | Should -Be 1
    }
}

Describe 'Remove-CachedResponse on a cache directory' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        foreach ($key in 'alpha', 'beta', 'gamma') { Set-CachedResponse -Key $key -Response "$key answer" -Path $cache }
    }

    It 'removes the entry from ai_responses.json too' {
        Remove-CachedResponse -Key 'beta' -Path $cache

        $onDisk = (Get-Content (Join-Path $cache 'ai_responses.json') -Raw | ConvertFrom-Json).PSObject.Properties.Name
        $onDisk | Sort-Object | Should -Be (@((Get-KeyHash 'alpha'), (Get-KeyHash 'gamma')) | Sort-Object)
    }

    It 'with -WhatIf leaves ai_responses.json as it was' {
        $before = Get-Content (Join-Path $cache 'ai_responses.json') -Raw

        Remove-CachedResponse -Key 'alpha', 'beta' -WhatIf -Path $cache
        Get-CacheEntry -Path $cache | Remove-CachedResponse -WhatIf -Path $cache

        Get-Content (Join-Path $cache 'ai_responses.json') -Raw | Should -BeExactly $before
    }
}

Describe 'Get-CacheEntry on <Name>' -ForEach (Get-TestBackend) {
    BeforeAll {
        # Entries within the cache's TTL of 7 days (a namespace drops older ones itself), least recently used first.
        function Write-RecentCache([hashtable] $Cache) {
            $now = [DateTimeOffset]::Now
            Write-TestCacheEntry -Cache $Cache -Entries @(
                @{ Key = 'old 1'; Json = '"stale"'; CreatedAt = $now.AddDays(-5); LastAccessed = $now.AddDays(-5) }
                @{ Key = 'old 2'; Json = '"stale too"'; CreatedAt = $now.AddDays(-3); LastAccessed = $now.AddDays(-2) }
                @{ Key = 'older but used'; Json = '"used"'; CreatedAt = $now.AddDays(-6); LastAccessed = $now.AddDays(-1) }
                @{ Key = 'fresh'; Json = '"new"'; CreatedAt = $now.AddHours(-1); LastAccessed = $now.AddMinutes(-5) }
            )
        }
    }

    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'reports Created and Expires in local time, and Expires after -TtlDays' {
        $created = [DateTimeOffset]::Now.AddDays(-1)
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'k'; Json = '1'; CreatedAt = $created; LastAccessed = $created })

        $entry = Get-CacheEntry @cache -TtlDays 0.5

        $entry.Created.Kind | Should -Be 'Local'
        Assert-SameInstant $entry.Expires $created.LocalDateTime.AddHours(12)
        $entry.IsExpired | Should -BeTrue
    }

    It 'reports a size that grows with the response' {
        Set-CachedResponse -Key 'short' -Response ('x' * 10) @cache
        Set-CachedResponse -Key 'long' -Response ('x' * 1010) @cache

        $short = Get-CacheEntry -Key 'short' @cache
        $long = Get-CacheEntry -Key 'long' @cache

        $long.SizeBytes - $short.SizeBytes | Should -Be 1000
        $long.SizeBytes | Should -BeGreaterThan 1012
    }

    It 'lists entries least recently used first' {
        Write-RecentCache $cache

        Get-ListedHashes $cache | Should -Be @('old 1', 'old 2', 'older but used', 'fresh' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'moves an entry to the end of the list when it is read' {
        Write-RecentCache $cache

        $null = Get-CachedResponse -Key 'old 1' @cache

        (Get-ListedHashes $cache)[-1] | Should -BeExactly (Get-KeyHash 'old 1')
    }

    It 'with -Key lists only that key''s entry, and nothing for a key that is not cached' {
        Write-RecentCache $cache

        (Get-CacheEntry -Key 'fresh' @cache).KeyHash | Should -BeExactly (Get-KeyHash 'fresh')
        Get-CacheEntry -Key 'never stored' @cache | Should -BeNullOrEmpty
    }

    It 'lists nothing, without an error, when the cache does not exist yet' {
        Get-CacheEntry @cache -ErrorVariable failure | Should -BeNullOrEmpty
        $failure | Should -BeNullOrEmpty
    }
    It 'with -Expired lists only the entries older than -TtlDays, without removing them' {
        Write-RecentCache $cache

        @(Get-CacheEntry -Expired -TtlDays 2.5 @cache).KeyHash | Should -Be @('old 1', 'old 2', 'older but used' | ForEach-Object { Get-KeyHash $_ })
        @(Get-CacheEntry -Expired -TtlDays 4 @cache).KeyHash | Should -Be @('old 1', 'older but used' | ForEach-Object { Get-KeyHash $_ })
        @(Get-CacheEntry @cache).Count | Should -Be 4
    }

    It 'pipes its -Expired entries into Remove-CachedResponse' {
        Write-RecentCache $cache

        Get-CacheEntry -Expired -TtlDays 4 @cache | Remove-CachedResponse -PassThru @cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @((Get-KeyHash 'old 2'), (Get-KeyHash 'fresh'))
    }
}

# What the file holds (its path, the timestamp text, entries without created_at) and entries past the cache's TTL,
# which a namespace drops itself: on directories.
Describe 'Get-CacheEntry on a cache directory' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'lists each entry''s metadata with the values in the file' {
        $created = [DateTimeOffset]::Now.AddDays(-2)
        $accessed = [DateTimeOffset]::Now.AddHours(-3)
        $path = Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'known times'; Json = '"answer"'; CreatedAt = $created; LastAccessed = $accessed })

        $entry = Get-CacheEntry -Path $cache -TtlDays 7

        $entry.GetType().FullName | Should -BeExactly 'ResponseCache.Core.CacheEntryInfo'
        $entry.KeyHash | Should -BeExactly (Get-KeyHash 'known times')
        Assert-SameInstant $entry.Created $created.LocalDateTime
        Assert-SameInstant $entry.LastAccessed $accessed.LocalDateTime
        Assert-SameInstant $entry.Expires $created.LocalDateTime.AddDays(7)
        $entry.IsExpired | Should -BeFalse
        $entry.TextLength | Should -Be 'known times'.Length
        $entry.Timestamp | Should -BeExactly $created.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss')
        $entry.CacheFile | Should -BeExactly $path
    }

    It 'reports an entry without created_at as never expiring' {
        Write-MixedAgeCache $cache

        $legacy = Get-CacheEntry -Key 'legacy' -Path $cache -TtlDays 0

        $legacy.Created | Should -BeNullOrEmpty
        $legacy.Expires | Should -BeNullOrEmpty
        $legacy.IsExpired | Should -BeFalse
    }

    It 'with -Expired lists only the expired entries, under -TtlDays, without removing them' {
        Write-MixedAgeCache $cache

        @(Get-CacheEntry -Expired -Path $cache).KeyHash | Should -Be @((Get-KeyHash 'old 1'), (Get-KeyHash 'old 2'))
        @(Get-CacheEntry -Expired -TtlDays 9 -Path $cache).KeyHash | Should -Be @(Get-KeyHash 'old 1')
        @(Get-CacheEntry -Path $cache).Count | Should -Be 4
    }

    It 'pipes its -Expired entries into Remove-CachedResponse' {
        Write-MixedAgeCache $cache

        Get-CacheEntry -Expired -Path $cache | Remove-CachedResponse -PassThru -Path $cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh'))
    }

}

Describe 'The size cap, -MaxSizeMB, on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        # Every response is the same length, so every entry has the same size; the cap holds three of them.
        $response = 'r' * 400
        Set-CachedResponse -Key 'probe' -Response $response @cache
        $entryBytes = (Get-CacheEntry -Key 'probe' @cache).SizeBytes
        Remove-CachedResponse -Key 'probe' @cache
        $capMB = ($entryBytes * 3 + $entryBytes / 2) / 1MB
    }

    It 'evicts the least recently used entries until the rest fit' {
        foreach ($key in 'a', 'b', 'c', 'd', 'e') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB @cache }

        Get-ListedHashes $cache | Should -Be @('c', 'd', 'e' | ForEach-Object { Get-KeyHash $_ })
        (Get-CacheEntry @cache | Measure-Object SizeBytes -Sum).Sum | Should -BeLessOrEqual ($capMB * 1MB)
    }

    It 'evicts by recency of use, not by age' {
        foreach ($key in 'a', 'b', 'c') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB @cache }
        $null = Get-CachedResponse -Key 'a' @cache

        Set-CachedResponse -Key 'd' -Response $response -MaxSizeMB $capMB @cache

        Get-ListedHashes $cache | Should -Be @('c', 'a', 'd' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'holds together with -MaxEntries: whichever cap is tighter decides' {
        foreach ($key in 'a', 'b', 'c', 'd') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -MaxEntries 2 @cache }
        Get-ListedHashes $cache | Should -Be @('c', 'd' | ForEach-Object { Get-KeyHash $_ })

        foreach ($key in 'e', 'f', 'g', 'h') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -MaxEntries 10 @cache }
        Get-ListedHashes $cache | Should -Be @('f', 'g', 'h' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'applies to a pipeline of responses and to get-or-add' {
        'a', 'b', 'c', 'd' | ForEach-Object { [pscustomobject]@{ Key = $_; Response = $response } } |
            Set-CachedResponse -MaxSizeMB $capMB @cache
        Get-ListedHashes $cache | Should -Be @('b', 'c', 'd' | ForEach-Object { Get-KeyHash $_ })

        $null = Get-CachedResponse -Key 'e' -MaxSizeMB $capMB @cache -ScriptBlock { $response }
        Get-ListedHashes $cache | Should -Be @('c', 'd', 'e' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'counts the evicted entries in Get-CacheStats' {
        foreach ($key in 'a', 'b', 'c', 'd', 'e') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB @cache }

        (Get-CacheStats @cache).Evictions | Should -Be 2
    }

    It 'still caches one response larger than the whole cap, with a warning, until a newer entry pushes it out' {
        Set-CachedResponse -Key 'small' -Response 'tiny' @cache

        Set-CachedResponse -Key 'huge' -Response ('h' * 5000) -MaxSizeMB 0.001 @cache -WarningVariable warned -WarningAction SilentlyContinue

        $warned.Count | Should -Be 1
        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'huge')
        Set-CachedResponse -Key 'next' -Response 'tiny' -MaxSizeMB 0.001 @cache
        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'next')
    }
}

Describe 'Progress on large listings' {
    BeforeAll {
        function Get-ProgressRecordCount([string] $Directory) {
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript('param($module, $path) Import-Module $module; $null = Get-CacheEntry -Path $path')
                $null = $shell.AddArgument((Get-ModuleUnderTestPath)).AddArgument($Directory)
                $null = $shell.Invoke()
                $shell.Streams.Error | Should -BeNullOrEmpty
                $shell.Streams.Progress.Count
            } finally {
                $shell.Dispose()
            }
        }

        function Write-ManyEntries([string] $Directory, [int] $Count) {
            $now = [DateTimeOffset]::Now
            $entries = foreach ($i in 1..$Count) { @{ Key = "key $i"; Json = "$i"; CreatedAt = $now; LastAccessed = $now } }
            Write-CacheFile -Directory $Directory -Entries $entries | Out-Null
        }
    }

    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'Get-CacheEntry writes progress when it lists 1000 entries or more' {
        Write-ManyEntries $cache 1000

        Get-ProgressRecordCount $cache | Should -BeGreaterThan 0
    }

    It 'Get-CacheEntry writes no progress for a smaller cache' {
        Write-ManyEntries $cache 999

        Get-ProgressRecordCount $cache | Should -Be 0
    }
}
