<#
    Looking after a cache: Remove-CachedResponse (by key, from the pipeline, -WhatIf, -PassThru), Get-CacheEntry's
    metadata and filters, the -MaxSizeMB cap, progress on large listings, and the default
    views. Expired entries are written by hand with an old created_at; nothing waits.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force

    function Get-ListedHashes([string] $Directory) {
        @(Get-CacheEntry -Path $Directory | ForEach-Object KeyHash)
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

Describe 'Remove-CachedResponse' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        foreach ($key in 'alpha', 'beta', 'gamma') { Set-CachedResponse -Key $key -Response "$key answer" -Path $cache }
    }

    It 'removes the entry of a key and leaves the others, in memory and on disk' {
        Remove-CachedResponse -Key 'beta' -Path $cache

        Get-CachedResponse -Key 'beta' -Path $cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'alpha' -Path $cache | Should -BeExactly 'alpha answer'
        $onDisk = (Get-Content (Join-Path $cache 'ai_responses.json') -Raw | ConvertFrom-Json).PSObject.Properties.Name
        $onDisk | Sort-Object | Should -Be (@((Get-KeyHash 'alpha'), (Get-KeyHash 'gamma')) | Sort-Object)
    }

    It 'outputs nothing without -PassThru, and with it the number of entries that were there' {
        Remove-CachedResponse -Key 'alpha' -Path $cache | Should -BeNullOrEmpty

        Remove-CachedResponse -Key 'beta', 'not cached', 'gamma' -PassThru -Path $cache | Should -Be 2
    }

    It 'removes key texts from the pipeline' {
        'alpha', 'gamma' | Remove-CachedResponse -PassThru -Path $cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'beta')
    }

    It 'removes the entries Get-CacheEntry outputs, bound by their KeyHash' {
        $beta = Get-KeyHash 'beta'

        Get-CacheEntry -Path $cache | Where-Object KeyHash -ne $beta | Remove-CachedResponse -PassThru -Path $cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @($beta)
    }

    It 'with -WhatIf removes nothing' {
        $before = Get-Content (Join-Path $cache 'ai_responses.json') -Raw

        Remove-CachedResponse -Key 'alpha', 'beta' -WhatIf -Path $cache
        Get-CacheEntry -Path $cache | Remove-CachedResponse -WhatIf -Path $cache

        @(Get-CacheEntry -Path $cache).Count | Should -Be 3
        Get-Content (Join-Path $cache 'ai_responses.json') -Raw | Should -BeExactly $before
    }

    It 'reports a key hash that is not 64 hex digits as InvalidKeyHash and still removes the valid ones' {
        Remove-CachedResponse -KeyHash 'not-a-hash', (Get-KeyHash 'alpha') -PassThru -Path $cache -ErrorVariable failure -ErrorAction SilentlyContinue |
            Should -Be 1

        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyHash,ResponseCache.Commands.RemoveCachedResponseCommand'
        $failure[0].TargetObject | Should -BeExactly 'not-a-hash'
        @(Get-CacheEntry -Path $cache).Count | Should -Be 2
    }
}

Describe 'Get-CacheEntry' {
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

    It 'reports Created and Expires in local time, and Expires after -TtlDays' {
        $created = [DateTimeOffset]::Now.AddDays(-1)
        Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'k'; Json = '1'; CreatedAt = $created; LastAccessed = $created }) | Out-Null

        $entry = Get-CacheEntry -Path $cache -TtlDays 0.5

        $entry.Created.Kind | Should -Be 'Local'
        Assert-SameInstant $entry.Expires $created.LocalDateTime.AddHours(12)
        $entry.IsExpired | Should -BeTrue
    }

    It 'reports a size that grows with the response' {
        Set-CachedResponse -Key 'short' -Response ('x' * 10) -Path $cache
        Set-CachedResponse -Key 'long' -Response ('x' * 1010) -Path $cache

        $short = Get-CacheEntry -Key 'short' -Path $cache
        $long = Get-CacheEntry -Key 'long' -Path $cache

        $long.SizeBytes - $short.SizeBytes | Should -Be 1000
        $long.SizeBytes | Should -BeGreaterThan 1012
    }

    It 'reports an entry without created_at as never expiring' {
        Write-MixedAgeCache $cache

        $legacy = Get-CacheEntry -Key 'legacy' -Path $cache -TtlDays 0

        $legacy.Created | Should -BeNullOrEmpty
        $legacy.Expires | Should -BeNullOrEmpty
        $legacy.IsExpired | Should -BeFalse
    }

    It 'lists entries least recently used first' {
        Write-MixedAgeCache $cache

        Get-ListedHashes $cache | Should -Be @('old 1', 'legacy', 'old 2', 'fresh' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'moves an entry to the end of the list when it is read' {
        Write-MixedAgeCache $cache

        $null = Get-CachedResponse -Key 'legacy' -Path $cache

        (Get-ListedHashes $cache)[-1] | Should -BeExactly (Get-KeyHash 'legacy')
    }

    It 'with -Expired lists only the expired entries, under -TtlDays, without removing them' {
        Write-MixedAgeCache $cache

        @(Get-CacheEntry -Expired -Path $cache).KeyHash | Should -Be @((Get-KeyHash 'old 1'), (Get-KeyHash 'old 2'))
        @(Get-CacheEntry -Expired -TtlDays 9 -Path $cache).KeyHash | Should -Be @(Get-KeyHash 'old 1')
        @(Get-CacheEntry -Path $cache).Count | Should -Be 4
    }

    It 'with -Key lists only that key''s entry, and nothing for a key that is not cached' {
        Write-MixedAgeCache $cache

        (Get-CacheEntry -Key 'fresh' -Path $cache).KeyHash | Should -BeExactly (Get-KeyHash 'fresh')
        Get-CacheEntry -Key 'never stored' -Path $cache | Should -BeNullOrEmpty
    }

    It 'pipes its -Expired entries into Remove-CachedResponse' {
        Write-MixedAgeCache $cache

        Get-CacheEntry -Expired -Path $cache | Remove-CachedResponse -PassThru -Path $cache | Should -Be 2

        Get-ListedHashes $cache | Should -Be @((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh'))
    }

    It 'lists nothing, without an error, when the cache does not exist yet' {
        Get-CacheEntry -Path $cache -ErrorVariable failure | Should -BeNullOrEmpty
        $failure | Should -BeNullOrEmpty
    }
}

Describe 'The size cap, -MaxSizeMB' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        # Every response is the same length, so every entry has the same size; the cap holds three of them.
        $response = 'r' * 400
        Set-CachedResponse -Key 'probe' -Response $response -Path $cache
        $entryBytes = (Get-CacheEntry -Key 'probe' -Path $cache).SizeBytes
        Remove-CachedResponse -Key 'probe' -Path $cache
        $capMB = ($entryBytes * 3 + $entryBytes / 2) / 1MB
    }

    It 'evicts the least recently used entries until the rest fit' {
        foreach ($key in 'a', 'b', 'c', 'd', 'e') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -Path $cache }

        Get-ListedHashes $cache | Should -Be @('c', 'd', 'e' | ForEach-Object { Get-KeyHash $_ })
        (Get-CacheEntry -Path $cache | Measure-Object SizeBytes -Sum).Sum | Should -BeLessOrEqual ($capMB * 1MB)
    }

    It 'evicts by recency of use, not by age' {
        foreach ($key in 'a', 'b', 'c') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -Path $cache }
        $null = Get-CachedResponse -Key 'a' -Path $cache

        Set-CachedResponse -Key 'd' -Response $response -MaxSizeMB $capMB -Path $cache

        Get-ListedHashes $cache | Should -Be @('c', 'a', 'd' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'holds together with -MaxEntries: whichever cap is tighter decides' {
        foreach ($key in 'a', 'b', 'c', 'd') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -MaxEntries 2 -Path $cache }
        Get-ListedHashes $cache | Should -Be @('c', 'd' | ForEach-Object { Get-KeyHash $_ })

        foreach ($key in 'e', 'f', 'g', 'h') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -MaxEntries 10 -Path $cache }
        Get-ListedHashes $cache | Should -Be @('f', 'g', 'h' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'applies to a pipeline of responses and to get-or-add' {
        'a', 'b', 'c', 'd' | ForEach-Object { [pscustomobject]@{ Key = $_; Response = $response } } |
            Set-CachedResponse -MaxSizeMB $capMB -Path $cache
        Get-ListedHashes $cache | Should -Be @('b', 'c', 'd' | ForEach-Object { Get-KeyHash $_ })

        $null = Get-CachedResponse -Key 'e' -MaxSizeMB $capMB -Path $cache -ScriptBlock { $response }
        Get-ListedHashes $cache | Should -Be @('c', 'd', 'e' | ForEach-Object { Get-KeyHash $_ })
    }

    It 'counts the evicted entries in Get-CacheStats' {
        foreach ($key in 'a', 'b', 'c', 'd', 'e') { Set-CachedResponse -Key $key -Response $response -MaxSizeMB $capMB -Path $cache }

        (Get-CacheStats -Path $cache).Evictions | Should -Be 2
    }

    It 'still caches one response larger than the whole cap, with a warning, until a newer entry pushes it out' {
        Set-CachedResponse -Key 'small' -Response 'tiny' -Path $cache

        Set-CachedResponse -Key 'huge' -Response ('h' * 5000) -MaxSizeMB 0.001 -Path $cache -WarningVariable warned -WarningAction SilentlyContinue

        $warned.Count | Should -Be 1
        Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'huge')
        Set-CachedResponse -Key 'next' -Response 'tiny' -MaxSizeMB 0.001 -Path $cache
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
