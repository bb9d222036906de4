BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    # A fresh pwsh that takes the cache's lock the way the engine does, prints 'locked', and holds the lock until it
    # reads a line or is stopped.
    function Start-LockHolder([string] $LockFile) {
        Start-FreshPwsh -Script @"
`$lock = [IO.FileStream]::new('$LockFile', 'OpenOrCreate', 'ReadWrite', 'None')
`$lock.Lock(0, 16)
[Console]::Out.WriteLine('locked')
`$null = [Console]::In.ReadLine()
"@
    }

    # Starts 3 writers at once, each setting its keys from 4 runspaces in parallel; returns every key written.
    function Invoke-ParallelWriters {
        param([Parameter(Mandatory)] [string] $Directory)
        $module = (Get-ModuleUnderTestPath) -replace "'", "''"
        $writers = foreach ($process in 1..3) {
            Start-FreshPwsh -Script @"
[Console]::Out.WriteLine('ready')
`$null = [Console]::In.ReadLine()
1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
    Import-Module '$module'
    foreach (`$i in 1..12) {
        `$key = "process $process runspace `$_ key `$i"
        Set-CachedResponse -Key `$key -Response `$key -Path '$Directory' -MaxEntries 100000 -ErrorAction Stop
    }
}
'done'
"@
        }
        # Released together once all have started, so their writes overlap.
        foreach ($writer in $writers) { $writer.StandardOutput.ReadLine() | Should -Be 'ready' }
        foreach ($writer in $writers) { $writer.StandardInput.WriteLine('go') }
        foreach ($writer in $writers) {
            $run = Wait-FreshPwsh $writer
            $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
            $run.Output | Should -Be 'done'
        }
        foreach ($process in 1..3) { foreach ($runspace in 1..4) { foreach ($i in 1..12) { "process $process runspace $runspace key $i" } } }
    }

    # Asserts that a fresh process finds every key, each with its own text as response.
    function Assert-FreshProcessFinds {
        param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string[]] $Key)
        $keyFile = Join-Path $TestDrive ('keys-' + [guid]::NewGuid().ToString('N') + '.json')
        ConvertTo-Json -InputObject $Key | Set-Content -LiteralPath $keyFile -Encoding utf8NoBOM
        $run = Invoke-FreshPwsh -Script "Get-Content -Raw '$keyFile' | ConvertFrom-Json | Get-CachedResponse -Path '$Directory' | ConvertTo-Json -Compress"
        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $found = @($run.Output -join '' | ConvertFrom-Json)
        $found.Count | Should -Be $Key.Count
        $found | Should -Be $Key
    }
}

Describe 'Several processes on one cache' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'a fresh process reads what this one wrote' {
        Set-CachedResponse -Key 'written here' -Response 'read there' -Path $dir

        $run = Invoke-FreshPwsh -Script "Get-CachedResponse -Key 'written here' -Path '$dir'"

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be 'read there'
    }

    It 'this process reads what a fresh process wrote after this one had loaded the cache' {
        Set-CachedResponse -Key 'loaded first' -Response 'here' -Path $dir

        $run = Invoke-FreshPwsh -Script "Set-CachedResponse -Key 'written there' -Response 'read here' -Path '$dir'"

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        Get-CachedResponse -Key 'written there' -Path $dir | Should -BeExactly 'read here'
        Get-CachedResponse -Key 'loaded first' -Path $dir | Should -BeExactly 'here'
    }

    It 'keeps every key that 3 processes, each writing from 4 runspaces at once, stored in a small cache' {
        $written = Invoke-ParallelWriters -Directory $dir

        Assert-FreshProcessFinds -Directory $dir -Key $written
        $onDisk = Read-CacheOnDisk -Directory $dir
        $onDisk.Count | Should -Be 144
        foreach ($key in $written) { $onDisk[(Get-KeyHash $key)] | Should -BeExactly $key }
        (Get-Item -LiteralPath "$(Get-CacheFilePath $dir).journal" -ErrorAction Ignore).Length | Should -BeIn @($null, 0) -Because 'a small cache is rewritten whole on every call'
    }

    It 'keeps every key that 3 processes, each writing from 4 runspaces at once, appended to the journal of a large cache' {
        $seeded = Write-LargeCacheFile -Directory $dir
        $snapshotBefore = Get-FileSha256 (Get-CacheFilePath $dir)

        # Folding (in the background, or at each writer's exit) would put the journal into the snapshot before it is looked at.
        $written = Use-EnvironmentVariable -Variables @{ RESPONSECACHE_FOLD_DELAY_SECONDS = '-1' } -ScriptBlock { Invoke-ParallelWriters -Directory $dir }

        Get-FileSha256 (Get-CacheFilePath $dir) | Should -Be $snapshotBefore -Because 'the writes must have gone to the journal'
        (Get-Item -LiteralPath "$(Get-CacheFilePath $dir).journal").Length | Should -BeGreaterThan 0
        Assert-FreshProcessFinds -Directory $dir -Key $written
        $onDisk = Read-CacheOnDisk -Directory $dir
        $onDisk.Count | Should -Be (400 + 144)
        foreach ($key in $written) { $onDisk[(Get-KeyHash $key)] | Should -BeExactly $key }
        $onDisk[(Get-KeyHash $seeded[0])] | Should -BeExactly $seeded[0].PadRight(1024, '.')
    }

    It 'fails Set with CacheFileLocked (ResourceBusy) after the lock timeout while another process holds the lock, losing nothing' {
        Set-CachedResponse -Key 'kept' -Response 'still here' -Path $dir
        $cacheFile = Get-CacheFilePath $dir
        $before = Get-FileSha256 $cacheFile
        $holder = Start-LockHolder "$cacheFile.lock"
        try {
            $holder.StandardOutput.ReadLine() | Should -Be 'locked'

            $run = Invoke-FreshPwsh -Environment @{ RESPONSECACHE_LOCK_TIMEOUT_SECONDS = '1' } -Script @"
try {
    Set-CachedResponse -Key 'blocked' -Response 'x' -Path '$dir'
    'no error'
} catch {
    `$_.FullyQualifiedErrorId
    `$_.CategoryInfo.Category.ToString()
}
"@
        } finally {
            Stop-FreshPwsh $holder
        }

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output | Should -Be @('CacheFileLocked,ResponseCache.Commands.SetCachedResponseCommand', 'ResourceBusy')
        Get-FileSha256 $cacheFile | Should -Be $before
        Get-CachedResponse -Key 'kept' -Path $dir | Should -BeExactly 'still here'
        @(Get-CachedResponse -Key 'blocked' -Path $dir).Count | Should -Be 0
    }

    It 'serves reads in a fresh process at once while another process holds the lock: hits, misses, Get-CacheStats and Get-CacheEntry' {
        Set-CachedResponse -Key 'kept' -Response 'still here' -Path $dir
        $holder = Start-LockHolder "$(Get-CacheFilePath $dir).lock"
        try {
            $holder.StandardOutput.ReadLine() | Should -Be 'locked'

            # A timeout of 1 s: a read that waited for the lock would fail with CacheFileLocked.
            $run = Invoke-FreshPwsh -Environment @{ RESPONSECACHE_LOCK_TIMEOUT_SECONDS = '1' } -Script @"
Get-CachedResponse -Key 'kept' -Path '$dir' -ErrorAction Stop
@(Get-CachedResponse -Key 'absent' -Path '$dir' -ErrorAction Stop).Count
(Get-CacheStats -Path '$dir' -ErrorAction Stop).TotalEntries
@(Get-CacheEntry -Path '$dir' -ErrorAction Stop).Count
Get-CachedResponse -Key 'kept' -Path '$dir' -ErrorAction Stop
"@
        } finally {
            Stop-FreshPwsh $holder
        }

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -Be @('still here', '0', '1', '1', 'still here')
    }

    It 'is not blocked by the lock file of a process killed while it held the lock' {
        Set-CachedResponse -Key 'kept' -Response 'still here' -Path $dir
        $lockFile = "$(Get-CacheFilePath $dir).lock"
        $holder = Start-LockHolder $lockFile
        $holder.StandardOutput.ReadLine() | Should -Be 'locked'
        Stop-FreshPwsh $holder
        $lockFile | Should -Exist

        $run = Invoke-FreshPwsh -Environment @{ RESPONSECACHE_LOCK_TIMEOUT_SECONDS = '1' } -Script "Set-CachedResponse -Key 'after the kill' -Response 'stored' -Path '$dir'"

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        Get-CachedResponse -Key 'after the kill' -Path $dir | Should -BeExactly 'stored'
        Get-CachedResponse -Key 'kept' -Path $dir | Should -BeExactly 'still here'
    }
}
