<#
    The helper that runs backend-neutral tests over every backend: the list the Describes iterate over, and the fresh
    caches and aged entries the tests start from.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-TestBackend' {
    It 'lists a cache directory first, Garnet when RESPONSECACHE_TEST_GARNET is set and redis-server when it is on PATH' {
        $backends = @(Get-TestBackend)

        $backends[0].Kind | Should -Be 'Directory'
        ($backends.Kind -contains 'Garnet') | Should -Be ([bool] $env:RESPONSECACHE_TEST_GARNET)
        ($backends.Kind -contains 'Redis') | Should -Be ($null -ne (Get-Command redis-server -CommandType Application -ErrorAction Ignore))
        $backends | ForEach-Object { $_.Name | Should -Not -BeNullOrEmpty }
        @($backends.Name | Sort-Object -Unique).Count | Should -Be $backends.Count -Because 'the test names tell the backends apart'
    }
}

Describe 'New-TestCache and Write-TestCacheEntry on <Name>' -ForEach (Get-TestBackend) {
    It 'gives a fresh, empty cache on every call' {
        $first = New-TestCache -Kind $Kind
        $second = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'k' -Response 'in the first' @first

        @(Get-CacheEntry @second).Count | Should -Be 0
        Get-CachedResponse -Key 'k' @first | Should -BeExactly 'in the first'
        (Test-DirectoryCache $first) | Should -Be ($Kind -eq 'Directory')
    }

    It 'writes entries with the age and the order asked for' {
        $cache = New-TestCache -Kind $Kind
        $created = [DateTimeOffset]::Now.AddDays(-3)

        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'three days old'; Response = 'old'; CreatedAt = $created; LastAccessed = $created.AddHours(1) }
            @{ Key = 'new'; Response = @{ n = 1 } })

        $entries = @(Get-CacheEntry @cache)
        $entries.KeyHash | Should -Be @((Get-KeyHash 'three days old'), (Get-KeyHash 'new'))
        [Math]::Abs(($entries[0].Created - $created.LocalDateTime).TotalMilliseconds) | Should -BeLessThan 2
        (Get-CachedResponse -Key 'new' @cache).n | Should -Be 1
    }
}
