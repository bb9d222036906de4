BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Where the cache lives (-Path and RESPONSECACHE_PATH)' {
    It 'resolves a relative -Path against the PowerShell location, not the process working directory' {
        $relative = 'relative-' + [guid]::NewGuid().ToString('N')
        Push-Location -LiteralPath $TestDrive
        try {
            Set-CachedResponse -Key 'k' -Response 'v' -Path $relative
        } finally {
            Pop-Location
        }

        Join-Path $TestDrive $relative 'ai_responses.json' | Should -Exist
        Join-Path ([Environment]::CurrentDirectory) $relative | Should -Not -Exist
    }

    It 'uses the RESPONSECACHE_PATH environment variable when -Path is absent' {
        $dir = New-CacheDirectoryPath -Parent $TestDrive

        $run = Invoke-FreshPwsh -Script "Set-CachedResponse -Key 'from the environment' -Response 'found'" -Environment @{ RESPONSECACHE_PATH = $dir }

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        Get-CachedResponse -Key 'from the environment' -Path $dir | Should -BeExactly 'found'
    }

    It 'creates nothing when <Command> reads a cache that does not exist yet' -ForEach @(
        @{ Command = 'Get-CachedResponse'; Read = { param($Path) Get-CachedResponse -Key 'question' -Path $Path } }
        @{ Command = 'Get-CacheStats'; Read = { param($Path) (Get-CacheStats -Path $Path).TotalEntries } }
        @{ Command = 'Get-CacheEntry'; Read = { param($Path) Get-CacheEntry -Path $Path } }
    ) {
        $mistyped = Join-Path $TestDrive "mistyped-$Command"

        $result = @(& $Read $mistyped)

        ($result -join ',') | Should -BeIn @('', '0')
        Test-Path -LiteralPath $mistyped | Should -BeFalse
    }

    It 'rejects a -Path on the <Drive> provider with CachePathNotFileSystem (InvalidArgument)' -ForEach @(
        @{ Drive = 'Env'; Path = 'Env:\ResponseCacheTest' }
        @{ Drive = 'Variable'; Path = 'Variable:\ResponseCacheTest' }
    ) {
        { Set-CachedResponse -Key 'k' -Response 'v' -Path $Path -ErrorAction Stop } |
            Should -Throw -ErrorId 'CachePathNotFileSystem,ResponseCache.Commands.SetCachedResponseCommand' -PassThru |
            ForEach-Object { $_.CategoryInfo.Category } | Should -Be ([Management.Automation.ErrorCategory]::InvalidArgument)
        Test-Path $Path | Should -BeFalse
    }
}
