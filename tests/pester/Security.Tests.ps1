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
