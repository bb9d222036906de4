BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Clear-ResponseCache' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        Set-CachedResponse -Key 'first' -Response 'one' -Path $dir
        Set-CachedResponse -Key 'second' -Response 'two' -Path $dir
    }

    It 'removes every entry, leaving the empty object the reference''s clear() leaves' {
        Clear-ResponseCache -Path $dir

        @('first', 'second' | Get-CachedResponse -Path $dir).Count | Should -Be 0
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 0
        (Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json -AsHashtable).Count | Should -Be 0
    }

    It 'says in its verbose output how many responses it removed' {
        $verbose = Clear-ResponseCache -Path $dir -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose.Message | Should -Contain "Removed 2 cached responses from '$(Get-CacheFilePath $dir)'."
    }

    It 'with -WhatIf changes nothing' {
        $before = Get-FileSha256 (Get-CacheFilePath $dir)

        Clear-ResponseCache -Path $dir -WhatIf

        Get-FileSha256 (Get-CacheFilePath $dir) | Should -Be $before
        Get-CachedResponse -Key 'first' -Path $dir | Should -BeExactly 'one'
    }

    It 'clears without prompting in a non-interactive process under the default $ConfirmPreference' {
        $run = Invoke-FreshPwsh -Script "Clear-ResponseCache -Path '$dir'; 'cleared'"

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be 'cleared'
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 0
    }

    It 'clears with -Confirm:$false even where $ConfirmPreference asks to confirm everything' {
        $run = Invoke-FreshPwsh -Script "`$ConfirmPreference = 'Low'; Clear-ResponseCache -Path '$dir' -Confirm:`$false; 'cleared'"

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be 'cleared'
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 0
    }
}
