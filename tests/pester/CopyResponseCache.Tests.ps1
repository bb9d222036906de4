<#
    Copy-ResponseCache between two cache directories: what a user moving a cache sees. Copies to and from Redis are
    in Redis.Tests.ps1; how entries keep their times and order is proven on the engine (CopyBetweenCachesTests).
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
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

    It 'copies the unexpired entries with their times, says nothing unless -PassThru, and leaves the source as it was' {
        $before = Get-FileSha256 (Get-CacheFilePath $source)

        Copy-ResponseCache -Path $source -DestinationPath $destination | Should -BeNullOrEmpty

        $copied = @(Get-CacheEntry -Path $destination)
        $copied.KeyHash | Should -Be @((Get-KeyHash 'two days old'), (Get-KeyHash 'fresh'))
        $original = Get-CacheEntry -Path $source -Key 'two days old'
        $copied[0].Created | Should -Be $original.Created
        $copied[0].LastAccessed | Should -Be $original.LastAccessed
        (Get-CachedResponse -Key 'two days old' -Path $destination).tags | Should -Be @('a', 'b')
        Get-FileSha256 (Get-CacheFilePath $source) | Should -Be $before
    }

    It 'outputs how many entries it copied with -PassThru' {
        Copy-ResponseCache -Path $source -DestinationPath $destination -PassThru | Should -Be 2
    }

    It 'copies nothing with -WhatIf, and says how many it would copy and where' {
        # -WhatIf writes to the host, which only another process's output shows.
        $whatIf = (Invoke-FreshPwsh -Script "Copy-ResponseCache -Path '$source' -DestinationPath '$destination' -WhatIf").Output -join ' '

        $whatIf | Should -Match 'What if: .*Copy 2 cached responses'
        $whatIf | Should -Match ([regex]::Escape((Get-CacheFilePath $destination)))
        Test-Path -LiteralPath (Get-CacheFilePath $destination) | Should -BeFalse
    }

    It 'refuses to copy a cache onto itself with CopyToSameCache, changing nothing' {
        $before = Get-FileSha256 (Get-CacheFilePath $source)

        { Copy-ResponseCache -Path $source -DestinationPath (Join-Path $source '.') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CopyToSameCache,ResponseCache.Commands.CopyResponseCacheCommand'

        Get-FileSha256 (Get-CacheFilePath $source) | Should -Be $before
    }
}
