BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    function Get-ListedHashes([string] $Directory) {
        @(Get-CacheEntry -Path $Directory | ForEach-Object KeyHash)
    }
}

Describe 'Clear-ResponseCache' {
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

    It 'says in its verbose output how many responses it removed' {
        $verbose = Clear-ResponseCache -Path $dir -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose.Message | Should -Contain "Removed 4 cached responses from '$(Get-CacheFilePath $dir)'."
    }

    It 'with -WhatIf changes nothing' {
        $before = Get-FileSha256 (Get-CacheFilePath $dir)

        Clear-ResponseCache -Path $dir -WhatIf

        Get-FileSha256 (Get-CacheFilePath $dir) | Should -Be $before
        Get-CachedResponse -Key 'fresh' -Path $dir | Should -BeExactly 'new'
    }

    It 'clears without prompting and outputs nothing <When>' -ForEach @(
        @{ When = 'in a non-interactive process under the default $ConfirmPreference'; Script = "Clear-ResponseCache -Path '{0}'; 'cleared'" }
        @{ When = 'with -Confirm:$false even where $ConfirmPreference asks to confirm everything'; Script = "`$ConfirmPreference = 'Low'; Clear-ResponseCache -Path '{0}' -Confirm:`$false; 'cleared'" }
    ) {
        $run = Invoke-FreshPwsh -Script ($Script -f $dir)

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be 'cleared'
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 0
    }

    Context '-Expired' {
        It 'removes only the entries older than the TTL, in memory and on disk, and -PassThru reports how many' {
            Clear-ResponseCache -Expired -PassThru -Path $dir | Should -Be 2

            Get-ListedHashes $dir | Should -Be @((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh'))
            Get-CachedResponse -Key 'fresh' -Path $dir | Should -BeExactly 'new'
            Get-CachedResponse -Key 'legacy' -Path $dir | Should -BeExactly 'no created_at'
            $onDisk = (Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json).PSObject.Properties.Name
            $onDisk | Sort-Object | Should -Be (@((Get-KeyHash 'legacy'), (Get-KeyHash 'fresh')) | Sort-Object)
        }

        It 'applies -TtlDays' {
            Clear-ResponseCache -Expired -TtlDays 9 -PassThru -Path $dir | Should -Be 1

            Get-ListedHashes $dir | Should -Not -Contain (Get-KeyHash 'old 1')
            Get-ListedHashes $dir | Should -Contain (Get-KeyHash 'old 2')
        }

        It 'outputs nothing without -PassThru, and 0 with it when nothing is expired' {
            Clear-ResponseCache -Expired -Path $dir | Should -BeNullOrEmpty

            Clear-ResponseCache -Expired -PassThru -Path $dir | Should -Be 0
            @(Get-CacheEntry -Path $dir).Count | Should -Be 2
        }
    }
}
