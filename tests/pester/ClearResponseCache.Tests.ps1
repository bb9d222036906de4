BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest

    function Get-ListedHashes([hashtable] $Cache) {
        @(Get-CacheEntry @Cache | ForEach-Object KeyHash)
    }
}

Describe 'Clear-ResponseCache on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        # All within the cache's TTL of 7 days (a namespace drops older entries on the server), least recently used first.
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'old 1'; Response = 'stale'; AgeDays = 5 }
            @{ Key = 'old 2'; Response = 'stale too'; AgeDays = 3 }
            @{ Key = 'fresh'; Response = 'new' }
        )
    }

    It 'removes every entry, and -PassThru reports how many' {
        Clear-ResponseCache -PassThru @cache | Should -Be 3

        Get-CacheEntry @cache | Should -BeNullOrEmpty
        (Get-CacheStats @cache).TotalEntries | Should -Be 0
        Get-CachedResponse -Key 'fresh' @cache | Should -BeNullOrEmpty
    }

    It 'says in its verbose output how many responses it removed' {
        $where = Get-TestCacheLocation $cache

        $verbose = Clear-ResponseCache @cache -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose.Message | Should -Contain "Removed 3 cached responses from '$where'."
    }

    It 'with -WhatIf changes nothing' {
        Clear-ResponseCache @cache -WhatIf

        Get-ListedHashes $cache | Should -Be @('old 1', 'old 2', 'fresh' | ForEach-Object { Get-KeyHash $_ })
        Get-CachedResponse -Key 'fresh' @cache | Should -BeExactly 'new'
    }

    It 'clears without prompting and outputs nothing <When>' -ForEach @(
        @{ When = 'in a non-interactive process under the default $ConfirmPreference'; Script = "Clear-ResponseCache {0}; 'cleared'" }
        @{ When = 'with -Confirm:$false even where $ConfirmPreference asks to confirm everything'; Script = "`$ConfirmPreference = 'Low'; Clear-ResponseCache {0} -Confirm:`$false; 'cleared'" }
    ) {
        $run = Invoke-FreshPwsh -Script ($Script -f (ConvertTo-CacheParameterText $cache))

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be 'cleared'
        (Get-CacheStats @cache).TotalEntries | Should -Be 0
    }

    Context '-Expired' {
        It 'removes only the entries older than -TtlDays, and -PassThru reports how many' {
            Clear-ResponseCache -Expired -TtlDays 2 -PassThru @cache | Should -Be 2

            Get-ListedHashes $cache | Should -Be @(Get-KeyHash 'fresh')
            Get-CachedResponse -Key 'fresh' @cache | Should -BeExactly 'new'
        }

        It 'applies -TtlDays' {
            Clear-ResponseCache -Expired -TtlDays 4 -PassThru @cache | Should -Be 1

            Get-ListedHashes $cache | Should -Not -Contain (Get-KeyHash 'old 1')
            Get-ListedHashes $cache | Should -Contain (Get-KeyHash 'old 2')
        }

        It 'outputs nothing without -PassThru, and 0 with it when nothing is expired' {
            Clear-ResponseCache -Expired -TtlDays 2 @cache | Should -BeNullOrEmpty

            Clear-ResponseCache -Expired -TtlDays 2 -PassThru @cache | Should -Be 0
            @(Get-CacheEntry @cache).Count | Should -Be 1
        }
    }
}

# Entries older than the cache's TTL and entries without created_at exist only in a directory; so do its files.
Describe 'Clear-ResponseCache on a cache directory' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        # Two entries past the default TTL of 7 days, one without created_at (never expires) and a fresh one, least
        # recently used first.
        Write-CacheFile -Directory $dir -Entries @(
            @{ Key = 'old 1'; Response = 'stale'; AgeDays = 10 }
            @{ Key = 'legacy'; Response = 'no created_at'; CreatedAt = $null; LastAccessed = [DateTimeOffset]::Now.AddDays(-9) }
            @{ Key = 'old 2'; Response = 'stale too'; AgeDays = 8 }
            @{ Key = 'fresh'; Response = 'new' }
        ) | Out-Null
    }

    It 'removes every entry, leaving the empty object the reference''s clear() leaves, and -PassThru reports how many' {
        Clear-ResponseCache -PassThru -Path $dir | Should -Be 4

        Get-CacheEntry -Path $dir | Should -BeNullOrEmpty
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 0
        (Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw).Trim() | Should -BeExactly '{}'
    }

    It 'with -WhatIf leaves ai_responses.json byte for byte' {
        $before = Get-FileSha256 (Get-CacheFilePath $dir)

        Clear-ResponseCache -Path $dir -WhatIf

        Get-FileSha256 (Get-CacheFilePath $dir) | Should -Be $before
        Get-CachedResponse -Key 'fresh' -Path $dir | Should -BeExactly 'new'
    }

    It 'with -Expired removes only the entries older than the cache''s TTL, in memory and on disk, and -PassThru reports how many' {
        Clear-ResponseCache -Expired -PassThru -Path $dir | Should -Be 2

        Get-ListedHashes @{ Path = $dir } | Should -Be @((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh'))
        Get-CachedResponse -Key 'fresh' -Path $dir | Should -BeExactly 'new'
        Get-CachedResponse -Key 'legacy' -Path $dir | Should -BeExactly 'no created_at'
        $onDisk = (Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json).PSObject.Properties.Name
        $onDisk | Sort-Object | Should -Be (@((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh')) | Sort-Object)
    }

    It 'with -Expired and -TtlDays longer than the cache''s keeps what that TTL keeps' {
        Clear-ResponseCache -Expired -TtlDays 9 -PassThru -Path $dir | Should -Be 1

        Get-ListedHashes @{ Path = $dir } | Should -Not -Contain (Get-KeyHash 'old 1')
        Get-ListedHashes @{ Path = $dir } | Should -Contain (Get-KeyHash 'old 2')
    }
}

# A mistyped -Path must not become a new, empty cache (a Redis namespace has no such case).
Describe 'A removal on a path where there is no cache' {
    It '<Command> creates nothing, says there is no cache there, and -PassThru outputs 0' -ForEach @(
        @{ Command = 'Clear-ResponseCache'; Call = { param($typo) Clear-ResponseCache -Path $typo -PassThru -WarningVariable warned -WarningAction SilentlyContinue; $warned } }
        @{ Command = 'Remove-CachedResponse'; Call = { param($typo) Remove-CachedResponse -Key 'k' -Path $typo -PassThru -WarningVariable warned -WarningAction SilentlyContinue; $warned } }
        # A user trial: by tag it created the directory and a lock file, silently; by a short key hash it was silent.
        @{ Command = 'Clear-ResponseCache -Tag'; Call = { param($typo) Clear-ResponseCache -Tag 'beta' -Path $typo -PassThru -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue; $warned } }
        @{ Command = 'Remove-CachedResponse -KeyHash (8 digits)'; Call = { param($typo) Remove-CachedResponse -KeyHash '6ab9f1eb' -Path $typo -PassThru -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue; $warned } }
    ) {
        $typo = Join-Path $TestDrive 'typo'

        $removed, $warning = & $Call $typo

        $removed | Should -Be 0
        "$warning" | Should -BeExactly "There is no cache in '$typo': nothing was removed, and nothing was created there."
        $typo | Should -Not -Exist
    }
}
