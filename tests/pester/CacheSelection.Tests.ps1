<#
    Which cache a call uses: maintenance pipelines act on the cache their entries came from, and the default cache
    stays where the session started whatever Set-Location does.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Get-CacheEntry -Path X | Remove-CachedResponse' {
    BeforeEach {
        $cacheX = New-CacheDirectoryPath -Parent $TestDrive
        $defaultCache = New-CacheDirectoryPath -Parent $TestDrive
        $savedPath = $env:RESPONSECACHE_PATH
        $env:RESPONSECACHE_PATH = $defaultCache
        foreach ($directory in $cacheX, $defaultCache) {
            Set-CachedResponse -Key 'shared key' -Response "in $directory" -Path $directory
        }
        Set-CachedResponse -Key 'only in X' -Response 'x' -Path $cacheX
    }

    AfterEach {
        $env:RESPONSECACHE_PATH = $savedPath
    }

    It 'removes the entries from X and leaves the default cache alone' {
        Get-CacheEntry -Path $cacheX | Remove-CachedResponse -PassThru | Should -Be 2

        (Read-CacheOnDisk $cacheX).Count | Should -Be 0
        Get-CachedResponse 'shared key' -Path $defaultCache | Should -BeExactly "in $defaultCache"
    }

    It 'removes entries of two caches piped together from each one, with one count' {
        @(Get-CacheEntry -Path $cacheX) + @(Get-CacheEntry -Path $defaultCache) | Remove-CachedResponse -PassThru | Should -Be 3

        (Read-CacheOnDisk $cacheX).Count | Should -Be 0
        (Read-CacheOnDisk $defaultCache).Count | Should -Be 0
    }

    It 'refuses an explicit -Path that is not the cache the entries came from, and removes nothing' {
        Get-CacheEntry -Path $cacheX | Remove-CachedResponse -Path $defaultCache -ErrorVariable conflicts -ErrorAction SilentlyContinue

        $conflicts.FullyQualifiedErrorId | Should -Be (@('CacheEntryPathConflict,ResponseCache.Commands.RemoveCachedResponseCommand') * 2)
        (Read-CacheOnDisk $cacheX).Count | Should -Be 2
        (Read-CacheOnDisk $defaultCache).Count | Should -Be 1
    }

    It 'accepts an explicit -Path that names the same cache' {
        Get-CacheEntry -Path $cacheX | Remove-CachedResponse -Path (Join-Path $cacheX '.') -PassThru | Should -Be 2
    }

    It 'shows each entry''s cache directory as Path' {
        (Get-CacheEntry -Path $cacheX).Path | Select-Object -Unique | Should -Be (Get-Item -LiteralPath $cacheX).FullName
    }

    It 'refuses Get-CacheStats output piped in as a key that is not text, and removes nothing' {
        Get-CacheStats -Path $cacheX | Remove-CachedResponse -PassThru -ErrorVariable refused -ErrorAction SilentlyContinue | Should -Be 0

        $refused.FullyQualifiedErrorId | Should -Be 'KeyNotText,ResponseCache.Commands.RemoveCachedResponseCommand'

        (Read-CacheOnDisk $cacheX).Count | Should -Be 2
        (Read-CacheOnDisk $defaultCache).Count | Should -Be 1
    }
}

Describe 'The default cache of a session' {
    It 'stays where a relative RESPONSECACHE_PATH pointed when the session started, after Set-Location' {
        $start = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'start')
        $elsewhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'elsewhere')
        $result = Invoke-FreshPwsh -Environment @{ RESPONSECACHE_PATH = 'relative-cache' } -Script @"
[Environment]::CurrentDirectory = '$start'
Set-Location -LiteralPath '$start'
Set-CachedResponse -Key 'k' -Response 'stored from start'
Set-Location -LiteralPath '$elsewhere'
Get-CachedResponse -Key 'k'
(Get-CacheStats).CacheFile
"@

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Be @('stored from start', (Get-CacheFilePath (Join-Path $start 'relative-cache')))
        Join-Path $elsewhere 'relative-cache' | Should -Not -Exist
    }

    It 'reaches ForEach-Object -Parallel runspaces through RESPONSECACHE_PATH, as the README shows' {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        $result = Invoke-FreshPwsh -Environment @{ PSModulePath = Get-ModuleUnderTestSearchPath } -Script @"
`$env:RESPONSECACHE_PATH = '$cache'
1..3 | ForEach-Object -Parallel { Set-CachedResponse -Key "parallel `$_" -Response `$_ } -ThrottleLimit 3
(Get-CacheEntry -Path '$cache').Count
"@

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Be '3'
    }
}
