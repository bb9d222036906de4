<#
.SYNOPSIS
    The cache's own configuration: Set-/Get-ResponseCacheConfiguration, the caps a call sets on purpose, the caps a
    call that sets none respects, and -TtlDays as the freshness one caller accepts.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Limits that belong to the cache' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'keeps all 300 entries a -MaxEntries 1000 pipeline stored when a one-liner without -MaxEntries adds one' {
        1..300 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse -Path $dir -MaxEntries 1000

        $null = Get-CachedResponse -Key new -Path $dir -ScriptBlock { 'x' }

        (Read-CacheOnDisk $dir).Count | Should -Be 301
    }

    It 'uses the reference defaults until the cache is configured' {
        $configuration = Get-ResponseCacheConfiguration -Path $dir

        $configuration | Should -BeOfType ([ResponseCache.Core.CacheConfiguration])
        $configuration.MaxEntries | Should -Be 100
        $configuration.MaxSizeMB | Should -BeNullOrEmpty
        $configuration.TtlDays | Should -Be 7
    }

    It 'stores what Set-ResponseCacheConfiguration sets, for Get-ResponseCacheConfiguration and Get-CacheStats' {
        $passed = Set-ResponseCacheConfiguration -Path $dir -MaxEntries 5000 -MaxSizeMB 50 -TtlDays 30 -PassThru

        $read = Get-ResponseCacheConfiguration -Path $dir
        $stats = Get-CacheStats -Path $dir
        foreach ($shown in $passed, $read, $stats) {
            $shown.MaxEntries | Should -Be 5000
            $shown.MaxSizeMB | Should -Be 50
            $shown.TtlDays | Should -Be 30
        }
        "$dir/ai_responses.json.settings" | Should -Exist
    }

    It 'changes only the values given, and -MaxSizeMB 0 removes the size cap' {
        Set-ResponseCacheConfiguration -Path $dir -MaxEntries 500 -MaxSizeMB 2

        Set-ResponseCacheConfiguration -Path $dir -MaxSizeMB 0

        $configuration = Get-ResponseCacheConfiguration -Path $dir
        $configuration.MaxEntries | Should -Be 500
        $configuration.MaxSizeMB | Should -BeNullOrEmpty
    }

    It 'with -WhatIf says how many entries a lower -MaxEntries would evict and changes nothing' {
        1..5 | ForEach-Object { [pscustomobject]@{ Key = "k$_"; Response = "v$_" } } | Set-CachedResponse -Path $dir

        # -WhatIf writes to the host, which only another process's output shows.
        $whatIf = Invoke-FreshPwsh -Script "Set-ResponseCacheConfiguration -Path '$dir' -MaxEntries 2 -WhatIf"

        $whatIf.Output -join ' ' | Should -Match 'What if: .*MaxEntries 2.*evicting the 3 least recently used entries'
        (Get-ResponseCacheConfiguration -Path $dir).MaxEntries | Should -Be 100
        (Read-CacheOnDisk $dir).Count | Should -Be 5
    }

    It 'evicts the least recently used entries at once when -MaxEntries is lowered' {
        foreach ($key in 'a', 'b', 'c', 'd') { Set-CachedResponse -Key $key -Response $key -Path $dir }

        Set-ResponseCacheConfiguration -Path $dir -MaxEntries 2

        @(Get-CacheEntry -Path $dir).KeyHash | Should -Be @((Get-KeyHash 'c'), (Get-KeyHash 'd'))
    }

    It 'makes an explicit -MaxEntries on Set-CachedResponse the cache''s, and says so in a verbose message' {
        $verbose = Set-CachedResponse -Key 'a' -Response 'a' -Path $dir -MaxEntries 3 -Verbose 4>&1 | Out-String

        $verbose | Should -Match 'MaxEntries 3'
        (Get-ResponseCacheConfiguration -Path $dir).MaxEntries | Should -Be 3
    }

    It 'rejects <Case> with a validation error' -ForEach @(
        @{ Case = '-MaxEntries 0'; Call = { Set-ResponseCacheConfiguration -Path $dir -MaxEntries 0 } }
        @{ Case = '-TtlDays -1'; Call = { Set-ResponseCacheConfiguration -Path $dir -TtlDays -1 } }
        @{ Case = '-MaxSizeMB -1'; Call = { Set-ResponseCacheConfiguration -Path $dir -MaxSizeMB -1 } }
    ) {
        $Call | Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        Test-Path "$dir/ai_responses.json.settings" | Should -BeFalse
    }

    It 'is what a console one-liner evicts to after a scheduled job in another process configured the cache' {
        $job = Invoke-FreshPwsh -Script @"
Set-ResponseCacheConfiguration -Path '$dir' -MaxEntries 1000
1..150 | ForEach-Object { [pscustomobject]@{ Key = "job `$_"; Response = "paid `$_" } } | Set-CachedResponse -Path '$dir'
"@
        $job.Errors | Should -BeNullOrEmpty

        Set-CachedResponse -Key 'console' -Response 'x' -Path $dir

        (Read-CacheOnDisk $dir).Count | Should -Be 151
        (Get-CacheStats -Path $dir).MaxEntries | Should -Be 1000
    }
}

Describe '-TtlDays on a read is the freshness this caller accepts' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $null = Write-CacheFile -Directory $dir -Entries @(@{ Key = 'two days old'; Response = 'paid for' ; AgeDays = 2 })
    }

    It 'misses an entry older than -TtlDays but leaves it for callers that accept its age' {
        @(Get-CachedResponse -Key 'two days old' -TtlDays 1 -Path $dir).Count | Should -Be 0

        Get-CachedResponse -Key 'two days old' -Path $dir | Should -BeExactly 'paid for'
    }

    It 'judges Get-CacheEntry, Get-CacheStats and Clear-ResponseCache -Expired by the cache''s TtlDays when -TtlDays is not given' {
        Set-ResponseCacheConfiguration -Path $dir -TtlDays 1

        (Get-CacheEntry -Path $dir).IsExpired | Should -BeTrue
        (Get-CacheStats -Path $dir).ExpiredEntries | Should -Be 1
        Clear-ResponseCache -Expired -PassThru -Path $dir | Should -Be 1
    }
}
