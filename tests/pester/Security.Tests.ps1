BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    function Get-UnixMode {
        param([Parameter(Mandatory)] [string] $Path)
        [Convert]::ToString([int][IO.File]::GetUnixFileMode($Path), 8)
    }
}

Describe 'Cache files on Unix' -Skip:$IsWindows {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent (Join-Path $TestDrive 'nested')
    }

    It 'creates the cache directory 0700 and every file in it 0600, whatever the umask would give' {
        $cacheFile = Get-CacheFilePath $dir
        Set-CachedResponse -Key 'private' -Response 'a medical summary' -Path $dir

        Get-UnixMode $dir | Should -Be '700'
        Get-UnixMode $cacheFile | Should -Be '600'
        Get-UnixMode "$cacheFile.lock" | Should -Be '600'
    }

    It 'keeps the journal of a large cache 0600 too' {
        $null = New-Item -ItemType Directory -Path $dir
        $null = Write-LargeCacheFile -Directory $dir
        Set-CachedResponse -Key 'appended' -Response 'x' -Path $dir -MaxEntries 1000

        $journal = (Get-CacheFilePath $dir) + '.journal'
        (Get-Item $journal).Length | Should -BeGreaterThan 0
        Get-UnixMode $journal | Should -Be '600'
    }

    It 'refuses a symbolic link planted at <Name> and leaves its target untouched' -ForEach @(
        @{ Name = 'the lock file'; Suffix = '.lock' }
        @{ Name = 'the journal'; Suffix = '.journal' }
    ) {
        $null = New-Item -ItemType Directory -Path $dir
        $victim = Join-Path $TestDrive "victim-$([guid]::NewGuid().ToString('N'))"
        Set-Content -LiteralPath $victim -Value 'precious' -NoNewline
        $null = New-Item -ItemType SymbolicLink -Path ((Get-CacheFilePath $dir) + $Suffix) -Target $victim

        Set-CachedResponse -Key 'k' -Response 'v' -Path $dir -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'CacheAccessDenied,*'
        $failure[0].Exception.Message | Should -BeLike '*symbolic link*'
        Get-Content -LiteralPath $victim -Raw | Should -Be 'precious'
        Get-UnixMode $victim | Should -Not -Be '600'
    }

    It 'refuses a FIFO planted at the lock file with CacheAccessDenied instead of hanging' {
        $null = New-Item -ItemType Directory -Path $dir
        $lock = (Get-CacheFilePath $dir) + '.lock'
        & mkfifo $lock
        $script = @'
Get-CachedResponse -Path $env:FIFO_TEST_DIR -Key k -ErrorVariable getFailure -ErrorAction SilentlyContinue
Set-CachedResponse -Path $env:FIFO_TEST_DIR -Key k -Response v -ErrorVariable setFailure -ErrorAction SilentlyContinue
foreach ($failure in $getFailure, $setFailure) {
    "$($failure[0].FullyQualifiedErrorId)|$($failure[0].CategoryInfo.Category)|$($failure[0].Exception.Message)"
}
'@
        # In a process of its own: a regression blocks in open(2), where nothing but a kill ends it.
        $process = Start-FreshPwsh -Script $script -Environment @{ FIFO_TEST_DIR = $dir }
        if (-not $process.WaitForExit(60000)) {
            Stop-FreshPwsh $process
            throw 'Get-CachedResponse was still blocked on the FIFO after 60 s.'
        }
        $run = Wait-FreshPwsh $process

        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -HaveCount 2
        foreach ($line in $run.Output) {
            $id, $category, $message = $line -split '\|', 3
            $id | Should -BeLike 'CacheAccessDenied,*'
            $category | Should -Be 'PermissionDenied'
            $message | Should -BeLike "*'$lock' is not a regular file*"
        }
    }
}

Describe 'Cache directories other users can write' -Skip:$IsWindows {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $null = New-Item -ItemType Directory -Path $dir
    }

    It 'refuses a cache directory every user can write with CacheDirectoryNotPrivate, saying why and how to fix it' {
        # Written by another program: this process has not opened the cache yet, as after a new session starts.
        $null = Write-CacheFile -Directory $dir -Entries @(@{ Key = 'k'; Response = 'the owner''s answer' })
        $before = Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw
        & chmod 0777 $dir

        $read = Get-CachedResponse -Key 'k' -Path $dir -ErrorVariable readFailure -ErrorAction SilentlyContinue
        Set-CachedResponse -Key 'k' -Response 'changed' -Path $dir -ErrorVariable writeFailure -ErrorAction SilentlyContinue

        $read | Should -BeNullOrEmpty
        foreach ($failure in $readFailure, $writeFailure) {
            $failure | Should -HaveCount 1
            $failure[0].FullyQualifiedErrorId | Should -BeLike 'CacheDirectoryNotPrivate,*'
            $failure[0].CategoryInfo.Category | Should -Be 'SecurityError'
            $failure[0].Exception.Message | Should -BeLike "*'$dir' is writable by every user (mode 0777)*"
            $failure[0].Exception.Message | Should -BeLike "*chmod 700 '$dir'*"
            $failure[0].Exception.Message | Should -BeLike '*RESPONSECACHE_SHARED_PATHS*'
        }
        Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | Should -Be $before

        & chmod 700 $dir
        Get-CachedResponse -Key 'k' -Path $dir | Should -Be 'the owner''s answer'
    }

    It 'uses a group-writable directory listed in RESPONSECACHE_SHARED_PATHS, and its files are the group''s too' {
        & chmod 2770 $dir
        $saved = $env:RESPONSECACHE_SHARED_PATHS
        try {
            $env:RESPONSECACHE_SHARED_PATHS = "/nonexistent$([IO.Path]::PathSeparator)$dir"
            Set-CachedResponse -Key 'k' -Response 'for the team' -Path $dir

            Get-CachedResponse -Key 'k' -Path $dir | Should -Be 'for the team'
            # The group's to write, though this process's umask (022) would keep the group from writing.
            Get-UnixMode (Get-CacheFilePath $dir) | Should -Be '660'
            Get-UnixMode ((Get-CacheFilePath $dir) + '.lock') | Should -Be '660'
        } finally {
            $env:RESPONSECACHE_SHARED_PATHS = $saved
        }
    }
}

Describe 'System calls that create cache files' -Skip:($IsWindows -or -not (Get-Command strace -ErrorAction Ignore)) {
    It 'creates every file 0600 and every directory 0700 in the create call, and never changes a mode after, under umask 000' {
        $outer = New-CacheDirectoryPath -Parent $TestDrive
        $dir = Join-Path $outer 'nested'
        $large = New-CacheDirectoryPath -Parent $TestDrive
        $null = New-Item -ItemType Directory -Path $large
        $null = Write-LargeCacheFile -Directory $large
        $log = Join-Path $TestDrive 'strace.log'
        $script = @'
Set-CachedResponse -Path $env:TRACED_DIR -Key k -Response 'a secret'
Set-ResponseCacheConfiguration -Path $env:TRACED_DIR -MaxEntries 500
Set-ResponseCacheConfiguration -Path $env:TRACED_DIR -MaxEntries 600
Set-CachedResponse -Path $env:TRACED_LARGE -Key appended -Response 'another secret' -MaxEntries 1000
'@
        $commandLine = Get-FreshPwshCommandLine
        $env:TRACED_DIR = $dir
        $env:TRACED_LARGE = $large
        try {
            # A process of its own under umask 000, as in the report: whatever a create call leaves to the umask shows.
            & sh -c 'umask 000 && exec "$@"' sh strace -f -qq -y -o $log -e 'trace=%file,fchmod' -- $commandLine.FileName @($commandLine.Prefix) `
                -NoProfile -NonInteractive -EncodedCommand (ConvertTo-EncodedCommand (Get-FreshScriptText $script))
            $LASTEXITCODE | Should -Be 0
        } finally {
            Remove-Item Env:TRACED_DIR, Env:TRACED_LARGE
        }

        $calls = @(Get-Content -LiteralPath $log | Where-Object { $_.Contains($outer) -or $_.Contains($large) })
        $creates = @($calls | Where-Object { $_ -match '\bopen(at)?\(.*O_CREAT' })
        $madeDirectories = @($calls | Where-Object { $_ -match '\bmkdir(at)?\(' })
        @($creates | Where-Object { $_ -match '\.lock"' }) | Should -Not -BeNullOrEmpty
        @($creates | Where-Object { $_ -match '\.journal"' }) | Should -Not -BeNullOrEmpty
        @($creates | Where-Object { $_ -match '\.settings\.[0-9a-f]{16}\.tmp"' }) | Should -Not -BeNullOrEmpty
        @($creates | Where-Object { $_ -match '\.settings\.last-good\.[0-9a-f]{16}\.tmp"' }) | Should -Not -BeNullOrEmpty
        $madeDirectories | Should -HaveCount 2
        $creates | Where-Object { $_ -notmatch ', 0600\) = \d' } | Should -BeNullOrEmpty
        $madeDirectories | Where-Object { $_ -notmatch ', 0700\) = 0$' } | Should -BeNullOrEmpty
        $calls | Where-Object { $_ -match '\b(f?chmod|fchmodat2?)\(' } | Should -BeNullOrEmpty
    }
}
