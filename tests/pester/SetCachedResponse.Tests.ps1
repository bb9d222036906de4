BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    # How many times ai_responses.json was put in place (created, or renamed over) while $Action ran. The
    # sentinel file is created after $Action, and the watcher reports events in order: once the sentinel's
    # event is in, every event of $Action is too, so nothing is waited on by the clock.
    function Measure-CacheFileReplacement {
        param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [scriptblock] $Action)
        $null = New-Item -ItemType Directory -Path $Directory -Force
        $watcher = [IO.FileSystemWatcher]::new($Directory)
        $sources = foreach ($eventName in 'Created', 'Renamed') {
            $source = "cache-file-$eventName-$([guid]::NewGuid())"
            $null = Register-ObjectEvent -InputObject $watcher -EventName $eventName -SourceIdentifier $source
            $source
        }
        try {
            $watcher.EnableRaisingEvents = $true
            & $Action
            $null = New-Item -ItemType File -Path (Join-Path $Directory 'sentinel')
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Get-Event | Where-Object { $_.SourceIdentifier -in $sources -and $_.SourceEventArgs.Name -eq 'sentinel' })) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'The file system watcher never reported the sentinel file.' }
                $null = Wait-Event -Timeout 1
            }
            @(Get-Event | Where-Object { $_.SourceIdentifier -in $sources -and $_.SourceEventArgs.Name -eq 'ai_responses.json' }).Count
        } finally {
            $watcher.Dispose()
            foreach ($source in $sources) {
                Unregister-Event -SourceIdentifier $source
                Get-Event -SourceIdentifier $source -ErrorAction Ignore | Remove-Event
            }
        }
    }
}

Describe 'Set-CachedResponse' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'takes -Key and -Response by position' {
        Set-CachedResponse 'positional key' 'positional answer' -Path $dir

        Get-CachedResponse 'positional key' -Path $dir | Should -BeExactly 'positional answer'
    }

    It 'writes the entry to ai_responses.json before it returns' {
        Set-CachedResponse -Key 'durable' -Response 'on disk' -Path $dir

        $onDisk = Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json -AsHashtable
        $onDisk[(Get-KeyHash 'durable')].response | Should -BeExactly 'on disk'
    }

    It 'replaces the response of a key that is already cached' {
        Set-CachedResponse -Key 'k' -Response 'first' -Path $dir
        Set-CachedResponse -Key 'k' -Response 'second' -Path $dir

        Get-CachedResponse -Key 'k' -Path $dir | Should -BeExactly 'second'
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 1
    }

    It 'takes -Key and -Response from the pipeline by property name' {
        [pscustomobject]@{ Key = 'piped key 1'; Response = 'piped answer 1' },
        [pscustomobject]@{ Key = 'piped key 2'; Response = 'piped answer 2' } | Set-CachedResponse -Path $dir

        Get-CachedResponse -Key 'piped key 1' -Path $dir | Should -BeExactly 'piped answer 1'
        Get-CachedResponse -Key 'piped key 2' -Path $dir | Should -BeExactly 'piped answer 2'
    }

    Context 'A pipeline of many items' {
        It 'stores all 500 items of a pipeline' {
            1..500 | ForEach-Object { [pscustomobject]@{ Key = "key $_"; Response = "answer $_" } } |
                Set-CachedResponse -Path $dir -MaxEntries 1000

            (Get-CacheStats -Path $dir).TotalEntries | Should -Be 500
            $answers = @(1..500 | ForEach-Object { "key $_" } | Get-CachedResponse -Path $dir)
            $answers.Count | Should -Be 500
            $answers[0] | Should -BeExactly 'answer 1'
            $answers[499] | Should -BeExactly 'answer 500'
        }

        It 'replaces ai_responses.json once for a pipeline of 500 items' {
            $replacements = Measure-CacheFileReplacement -Directory $dir -Action {
                1..500 | ForEach-Object { [pscustomobject]@{ Key = "key $_"; Response = "answer $_" } } |
                    Set-CachedResponse -Path $dir -MaxEntries 1000
            }

            $replacements | Should -Be 1
        }

        It 'replaces ai_responses.json once per call when called one item at a time' {
            $replacements = Measure-CacheFileReplacement -Directory $dir -Action {
                foreach ($i in 1..3) { Set-CachedResponse -Key "key $i" -Response "answer $i" -Path $dir }
            }

            $replacements | Should -Be 3
        }
    }

    Context 'Eviction (-MaxEntries)' {
        It 'evicts the least recently used entry beyond -MaxEntries' {
            foreach ($key in 'oldest', 'middle', 'newest') { Set-CachedResponse -Key $key -Response $key -Path $dir -MaxEntries 3 }

            Set-CachedResponse -Key 'one more' -Response 'one more' -Path $dir -MaxEntries 3

            @(Get-CachedResponse -Key 'oldest' -Path $dir).Count | Should -Be 0
            @('middle', 'newest', 'one more' | Get-CachedResponse -Path $dir) | Should -Be @('middle', 'newest', 'one more')
        }

        It 'keeps an entry a Get used recently and evicts the next least recently used' {
            foreach ($key in 'oldest', 'middle', 'newest') { Set-CachedResponse -Key $key -Response $key -Path $dir -MaxEntries 3 }
            $null = Get-CachedResponse -Key 'oldest' -Path $dir

            Set-CachedResponse -Key 'one more' -Response 'one more' -Path $dir -MaxEntries 3

            Get-CachedResponse -Key 'oldest' -Path $dir | Should -BeExactly 'oldest'
            @(Get-CachedResponse -Key 'middle' -Path $dir).Count | Should -Be 0
            $onDisk = Get-Content -LiteralPath (Get-CacheFilePath $dir) -Raw | ConvertFrom-Json -AsHashtable
            $onDisk.Keys | Should -Not -Contain (Get-KeyHash 'middle')
            $onDisk.Count | Should -Be 3
        }

        It 'keeps the last -MaxEntries items of a pipeline longer than the cap' {
            1..10 | ForEach-Object { [pscustomobject]@{ Key = "key $_"; Response = $_ } } | Set-CachedResponse -Path $dir -MaxEntries 3

            @(1..10 | ForEach-Object { "key $_" } | Get-CachedResponse -Path $dir) | Should -Be @(8, 9, 10)
        }
    }
}
