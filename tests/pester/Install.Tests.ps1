<#
    The packaged folder as users install modules: published with PSResourceGet (which ships with PowerShell 7.4 and
    later) to a repository in a folder, installed from it with Install-PSResource, and imported by name in a fresh
    pwsh. The child processes get a home directory of their own under $TestDrive (New-IsolatedHomeEnvironment), so
    the repository registered, the modules installed and the module path searched are theirs alone: the user's own
    are never read or written.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $packageFolder = Split-Path (Get-ModuleUnderTestPath) -Parent
    $version = (Import-PowerShellDataFile (Get-ModuleUnderTestPath)).ModuleVersion

    $isolated = New-IsolatedHomeEnvironment -Parent $TestDrive
    # Where Install-PSResource -Scope CurrentUser puts modules under that home.
    $userModules = Join-Path $isolated.XDG_DATA_HOME 'powershell/Modules'
}

Describe 'Installing the package with PSResourceGet' {
    It 'publishes to a folder repository, installs with Install-PSResource and imports by name: a miss, then a hit' {
        $feed = Join-Path $TestDrive 'feed'
        $repository = 'ResponseCache-test-' + [guid]::NewGuid().ToString('N')
        $quote = { param($text) "'" + ($text -replace "'", "''") + "'" }

        $install = Invoke-FreshPwsh -NoImport -Environment $isolated -Script @"
`$null = New-Item -ItemType Directory -Path $(& $quote $feed)
Register-PSResourceRepository -Name $(& $quote $repository) -Uri $(& $quote $feed) -Trusted
try {
    Publish-PSResource -Path $(& $quote $packageFolder) -Repository $(& $quote $repository)
    Install-PSResource -Name ResponseCache -Version $(& $quote $version) -Repository $(& $quote $repository) -Scope CurrentUser -TrustRepository -Quiet
} finally {
    Unregister-PSResourceRepository -Name $(& $quote $repository)
}
"@
        $install.ExitCode | Should -Be 0 -Because ($install.Errors -join "`n")
        Join-Path $feed "ResponseCache.$version.nupkg" | Should -Exist
        Join-Path $userModules "ResponseCache/$version/ResponseCache.psd1" | Should -Exist
        Get-Content -LiteralPath (Join-Path $isolated.XDG_DATA_HOME 'PSResourceGet/PSResourceRepository.xml') -Raw |
            Should -Not -Match ([regex]::Escape($repository)) -Because 'the repository was registered in the isolated home and unregistered'

        $cache = Join-Path $TestDrive 'cache'
        $findsTheInstalledModule = $isolated.Clone()
        $findsTheInstalledModule.PSModulePath = $userModules
        $import = Invoke-FreshPwsh -NoImport -Environment $findsTheInstalledModule -Script @"
Import-Module ResponseCache
`$runs = [ref]0
`$first = Get-CachedResponse -Key 'question' -Path $(& $quote $cache) -ScriptBlock { `$runs.Value++; 'answer' }
`$second = Get-CachedResponse -Key 'question' -Path $(& $quote $cache) -ScriptBlock { `$runs.Value++; 'another answer' }
`$stats = Get-CacheStats -Path $(& $quote $cache)
[pscustomobject]@{
    ModuleBase = (Get-Module ResponseCache).ModuleBase
    Version    = (Get-Module ResponseCache).Version.ToString()
    Responses  = @(`$first, `$second)
    Runs       = `$runs.Value
    Hits       = `$stats.Hits
    Misses     = `$stats.Misses
} | ConvertTo-Json -Compress
"@
        $import.ExitCode | Should -Be 0 -Because ($import.Errors -join "`n")
        $result = $import.Output | Select-Object -Last 1 | ConvertFrom-Json

        $result.ModuleBase | Should -BeExactly (Join-Path $userModules "ResponseCache/$version")
        $result.Version | Should -BeExactly $version
        $result.Responses | Should -Be @('answer', 'answer')
        $result.Runs | Should -Be 1
        $result.Hits | Should -Be 1
        $result.Misses | Should -Be 1
    }
}
