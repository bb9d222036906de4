BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    # The writers and checkers must leave the journal as the kills left it: no fold, in the background or at exit.
    $script:foldDelayBefore = $env:RESPONSECACHE_FOLD_DELAY_SECONDS
    $env:RESPONSECACHE_FOLD_DELAY_SECONDS = '-1'

    # Starts a writer that sets 'round <n> key <i>' for i = 1, 2, ... and prints each key once its set returned.
    function Start-Writer {
        param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [int] $Round)
        Start-FreshPwsh -Script @"
foreach (`$i in 1..100000) {
    `$key = "round $Round key `$i"
    Set-CachedResponse -Key `$key -Response `$key -Path '$Directory' -MaxEntries 100000
    [Console]::Out.WriteLine(`$key)
}
"@
    }

    <#
    In a fresh process: loads the cache, looks up every key, then makes one more write. Returns the responses found,
    the number of warnings the load gave, and the temp files left once that write returned.
    #>
    function Invoke-FreshCheck {
        param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string[]] $Key)
        $keyFile = Join-Path $TestDrive ('keys-' + [guid]::NewGuid().ToString('N') + '.json')
        ConvertTo-Json -InputObject $Key | Set-Content -LiteralPath $keyFile -Encoding utf8NoBOM
        $run = Invoke-FreshPwsh -Script @"
`$found = @(Get-Content -Raw '$keyFile' | ConvertFrom-Json | Get-CachedResponse -Path '$Directory' -WarningVariable loadWarnings -WarningAction SilentlyContinue)
Set-CachedResponse -Key 'checked' -Response 'x' -Path '$Directory' -MaxEntries 100000
[pscustomobject]@{
    Found     = `$found
    Warnings  = @(`$loadWarnings).Count
    TempFiles = @(Get-ChildItem -LiteralPath '$Directory' -Filter '*.tmp' | ForEach-Object Name)
} | ConvertTo-Json -Compress
"@
        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Output -join '' | ConvertFrom-Json
    }
}

Describe 'A writer killed at a random moment' {
    It 'loses no key it reported as stored, over 5 kills, in a <Size> cache' -ForEach @(
        @{ Size = 'small' }
        @{ Size = 'journal-sized' }
    ) {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $seeded = if ($Size -eq 'journal-sized') { Write-LargeCacheFile -Directory $dir } else { @() }
        $reported = [Collections.Generic.List[string]]::new()
        foreach ($round in 1..5) {
            $writer = Start-Writer -Directory $dir -Round $round
            $stopAfter = Get-Random -Minimum 3 -Maximum 30
            $readThisRound = 0
            try {
                while ($readThisRound -lt $stopAfter -and $null -ne ($line = $writer.StandardOutput.ReadLine())) {
                    $reported.Add($line)
                    $readThisRound++
                }
                # Not a wait for anything: moves the kill to a different point of the writer's next set.
                Start-Sleep -Milliseconds (Get-Random -Maximum 20)
                $writer.Kill()
                $writer.WaitForExit()
                while ($null -ne ($line = $writer.StandardOutput.ReadLine())) { $reported.Add($line) }
            } finally {
                Stop-FreshPwsh $writer
            }
            $readThisRound | Should -Be $stopAfter -Because 'the writer must still have been writing when it was killed'

            $check = Invoke-FreshCheck -Directory $dir -Key $reported
            $check.Warnings | Should -Be 0 -Because "the cache must load whole after kill $round"
            @($check.Found) | Should -Be $reported.ToArray()
            $check.TempFiles | Should -BeNullOrEmpty -Because 'the next write removes what a killed writer left'
        }

        Get-ChildItem -LiteralPath $dir -Filter '*.corrupt-*' | Should -BeNullOrEmpty
        if ($Size -eq 'journal-sized') {
            (Get-Item -LiteralPath "$(Get-CacheFilePath $dir).journal").Length | Should -BeGreaterThan 0 -Because 'the writes must have gone to the journal'
            Get-CachedResponse -Key $seeded[-1] -Path $dir | Should -BeExactly $seeded[-1].PadRight(1024, '.')
        }
    }
}

AfterAll {
    $env:RESPONSECACHE_FOLD_DELAY_SECONDS = $script:foldDelayBefore
}
