BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
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
        It 'stores all 500 items of a pipeline as one change: none is on disk before the pipeline ends' {
            $onDiskBeforeTheLastItem = -1
            1..500 | ForEach-Object {
                if ($_ -eq 500) { $onDiskBeforeTheLastItem = (Read-CacheOnDisk $dir).Count }
                [pscustomobject]@{ Key = "key $_"; Response = "answer $_" }
            } | Set-CachedResponse -Path $dir -MaxEntries 1000

            $onDiskBeforeTheLastItem | Should -Be 0
            (Read-CacheOnDisk $dir).Count | Should -Be 500
            (Get-CacheStats -Path $dir).TotalEntries | Should -Be 500
            $answers = @(1..500 | ForEach-Object { "key $_" } | Get-CachedResponse -Path $dir)
            $answers.Count | Should -Be 500
            $answers[0] | Should -BeExactly 'answer 1'
            $answers[499] | Should -BeExactly 'answer 500'
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
