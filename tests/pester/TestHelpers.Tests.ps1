<#
    The test helpers that drive runspaces: a test that stops one must never take the Pester process down with it.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'New-TestShell and Close-TestShell' {
    It 'give an instance with the module under test imported, that runs one statement' {
        $shell = New-TestShell
        try {
            $null = $shell.AddScript('(Get-Command Get-CachedResponse).ModuleName')
            $shell.Invoke() | Should -Be 'ResponseCache'
            $shell.HadErrors | Should -BeFalse
        } finally {
            Close-TestShell $shell
        }
    }

    It 'never crash the process that stops a batched instance and closes it at once, however often' {
        # In a fresh process, so that a regression fails this test instead of ending the Pester run. On PowerShell
        # 7.6, the same loop disposing at once (without waiting for the stop and the invocation) kills the process.
        $helpers = (Join-Path $PSScriptRoot 'TestHelpers.psm1') -replace "'", "''"
        $run = Invoke-FreshPwsh -Script @"
Import-Module '$helpers'
foreach (`$i in 1..150) {
    `$shell = [powershell]::Create()
    `$null = `$shell.AddScript('Start-Sleep -Milliseconds 30').AddStatement().AddScript('"second"')
    `$running = `$shell.BeginInvoke()
    `$null = `$running.AsyncWaitHandle.WaitOne((Get-Random -Maximum 60))
    `$null = `$shell.BeginStop(`$null, `$null)
    Close-TestShell `$shell `$running
}
# A batch's next statement runs on a thread-pool thread: give a stray one the time to fail before the process ends.
Start-Sleep -Milliseconds 500
'survived'
"@
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Be 'survived'
    }

    It 'close an instance that never ran, and one that already ended' {
        $idle = New-TestShell
        $runspace = $idle.Runspace
        Close-TestShell $idle
        $runspace.RunspaceStateInfo.State | Should -Be 'Closed'

        $done = New-TestShell
        $null = $done.AddScript('1')
        $invocation = $done.BeginInvoke()
        $done.EndInvoke($invocation) | Should -Be 1
        $runspace = $done.Runspace
        Close-TestShell $done $invocation
        $runspace.RunspaceStateInfo.State | Should -Be 'Closed'
    }
}

Describe 'The processes the suite starts' {
    It 'leave no startup JIT profile, which pwsh processes started at once corrupt for every later pwsh of the user' {
        $cacheHome = Join-Path $TestDrive 'cache-home'
        $run = Invoke-FreshPwsh -NoImport -Script "'started'" -Environment @{ XDG_CACHE_HOME = $cacheHome }

        $run.Output | Should -Be 'started'
        @(Get-ChildItem -Path (Join-Path $cacheHome 'powershell') -Filter 'StartupProfileData*' -ErrorAction Ignore) | Should -BeNullOrEmpty
    }
}
