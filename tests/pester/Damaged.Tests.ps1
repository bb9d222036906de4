BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    # A sound cache file of three entries, 'first', 'second' and 'third', each answering '<key> answer'; returns its text.
    function Get-SoundCacheText {
        $scratch = New-CacheDirectoryPath -Parent $TestDrive
        $path = Write-CacheFile -Directory $scratch -Entries @(foreach ($key in 'first', 'second', 'third') { @{ Key = $key; Response = "$key answer" } })
        [IO.File]::ReadAllText($path)
    }

    function Get-CorruptFile {
        param([Parameter(Mandatory)] [string] $Path)
        @(Get-ChildItem -LiteralPath (Split-Path $Path) -Filter ((Split-Path $Path -Leaf) + '.corrupt-*'))
    }

    $script:utf8 = [Text.UTF8Encoding]::new($false)
}

Describe 'A damaged ai_responses.json' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $cacheFile = Get-CacheFilePath $dir
        $null = New-Item -ItemType Directory -Path $dir
    }

    It 'is kept aside byte for byte with ONE warning naming it, its sound entries salvaged, when it is <Damage>' -ForEach @(
        @{ Damage = 'truncated'; Salvaged = 'first', 'second'; Make = { param($sound) $utf8.GetBytes($sound.Substring(0, $sound.LastIndexOf('third answer') + 5)) } }
        @{ Damage = 'garbage'; Salvaged = @(); Make = { param($sound) [byte[]] (0x00, 0xFF, 0xFE) + $utf8.GetBytes(' not JSON at all }{') } }
        @{ Damage = 'empty'; Salvaged = @(); Make = { param($sound) [byte[]] @() } }
        @{ Damage = 'a JSON array instead of an object'; Salvaged = @(); Make = { param($sound) $utf8.GetBytes('[{"response": "first answer"}]') } }
        @{ Damage = 'a JSON string instead of an object'; Salvaged = @(); Make = { param($sound) $utf8.GetBytes('"first answer"') } }
        @{ Damage = 'one malformed entry among sound ones'; Salvaged = 'first', 'third'; Make = {
                param($sound)
                $entries = $sound | ConvertFrom-Json -AsHashtable
                $entries[(Get-KeyHash 'second')] = 42
                $utf8.GetBytes(($entries | ConvertTo-Json -Depth 5))
            }
        }
        @{ Damage = 'one entry nested deeper than the 1024 levels the cache reads'; Salvaged = 'first', 'third'; Make = {
                param($sound)
                $utf8.GetBytes($sound.Replace('"second answer"', ('[' * 1100) + '"second answer"' + (']' * 1100)))
            }
        }
    ) {
        $damaged = [byte[]] @(& $Make (Get-SoundCacheText))
        [IO.File]::WriteAllBytes($cacheFile, $damaged)

        $answers = foreach ($key in 'first', 'second', 'third') { Get-CachedResponse -Key $key -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue }
        Set-CachedResponse -Key 'after' -Response 'works' -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue
        $after = Get-CachedResponse -Key 'after' -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue

        $aside = Get-CorruptFile $cacheFile
        $aside.Count | Should -Be 1
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($aside[0].FullName)) | Should -BeExactly ([Convert]::ToBase64String($damaged)) -Because 'the damaged bytes are kept exactly as they were'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "*'$($aside[0].FullName)'*"
        @($answers) | Should -Be @(foreach ($key in $Salvaged) { "$key answer" })
        $after | Should -BeExactly 'works'
        (Read-CacheOnDisk -Directory $dir).Count | Should -Be (@($Salvaged).Count + 1) -Because 'the rewritten file is sound JSON with the salvaged entries and the new one'
    }

    It 'reads responses nested 500 levels deep, within the limit, without calling the file damaged' {
        $nested = ('[' * 500) + '"deep"' + (']' * 500)
        [IO.File]::WriteAllText($cacheFile, (Get-SoundCacheText).Replace('"second answer"', $nested), $utf8)

        $json = Get-CachedResponse -Key 'second' -Path $dir -AsJson -WarningVariable warnings -WarningAction SilentlyContinue

        $json | Should -BeExactly $nested
        $warnings | Should -BeNullOrEmpty
        Get-CorruptFile $cacheFile | Should -BeNullOrEmpty
    }

    It 'with a UTF-8 byte order mark is read whole and rewritten without it, with no warning and nothing kept aside' {
        [IO.File]::WriteAllBytes($cacheFile, [byte[]] (0xEF, 0xBB, 0xBF) + $utf8.GetBytes((Get-SoundCacheText)))

        $answers = foreach ($key in 'first', 'second', 'third') { Get-CachedResponse -Key $key -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue }
        Set-CachedResponse -Key 'after' -Response 'works' -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue

        $answers | Should -Be @('first answer', 'second answer', 'third answer')
        $warnings | Should -BeNullOrEmpty
        Get-CorruptFile $cacheFile | Should -BeNullOrEmpty
        [IO.File]::ReadAllBytes($cacheFile)[0] | Should -Be ([byte][char]'{')
        (Read-CacheOnDisk -Directory $dir).Count | Should -Be 4
    }
}

Describe 'A damaged ai_responses.json.journal' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        $cacheFile = Get-CacheFilePath $dir
        $journal = "$cacheFile.journal"
        $seeded = Write-LargeCacheFile -Directory $dir
        # Written by another process, one line per call, so this process's first load reads them from the disk.
        # Told not to fold at exit, so the journal it leaves is there to damage.
        $run = Invoke-FreshPwsh -Environment @{ RESPONSECACHE_FOLD_DELAY_SECONDS = '-1' } -Script (@(foreach ($n in 'one', 'two', 'three') { "Set-CachedResponse -Key 'journal $n' -Response 'journal $n answer' -Path '$dir' -MaxEntries 1000" }) -join "`n")
        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        @(Get-Content -LiteralPath $journal).Count | Should -Be 3
    }

    It 'drops a torn last line (a write cut short) silently, keeping every sound line' {
        $sound = [IO.File]::ReadAllBytes($journal)
        [IO.File]::WriteAllBytes($journal, $sound + $utf8.GetBytes('{"crc":"0badf00d","rec":{"ops":[{"set":"'))

        $answers = foreach ($n in 'one', 'two', 'three') { Get-CachedResponse -Key "journal $n" -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue }

        $answers | Should -Be @('journal one answer', 'journal two answer', 'journal three answer')
        $warnings | Should -BeNullOrEmpty
        Get-CorruptFile $journal | Should -BeNullOrEmpty
        Get-CorruptFile $cacheFile | Should -BeNullOrEmpty
        Set-CachedResponse -Key 'after' -Response 'works' -Path $dir
        Get-CachedResponse -Key 'after' -Path $dir | Should -BeExactly 'works'
        $kept = [IO.File]::ReadAllBytes($journal)
        [Convert]::ToBase64String($kept, 0, $sound.Length) | Should -BeExactly ([Convert]::ToBase64String($sound)) -Because 'the sound lines stay'
        $utf8.GetString($kept).Contains('0badf00d') | Should -BeFalse -Because 'the next change cuts the torn tail off before it appends'
    }

    It 'is kept aside byte for byte with ONE warning naming it when a line before sound ones is damaged, its sound lines salvaged' {
        $text = [IO.File]::ReadAllText($journal)
        $text.Contains('journal two answer') | Should -BeTrue
        [byte[]] $damaged = $utf8.GetBytes($text.Replace('journal two answer', 'journal twX answer'))
        [IO.File]::WriteAllBytes($journal, $damaged)

        $answers = foreach ($n in 'one', 'two', 'three') { Get-CachedResponse -Key "journal $n" -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue }
        Set-CachedResponse -Key 'after' -Response 'works' -Path $dir -MaxEntries 1000 -WarningVariable +warnings -WarningAction SilentlyContinue
        $after = Get-CachedResponse -Key 'after' -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue

        $aside = Get-CorruptFile $journal
        $aside.Count | Should -Be 1
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($aside[0].FullName)) | Should -BeExactly ([Convert]::ToBase64String($damaged))
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "*'$($aside[0].FullName)'*"
        $answers | Should -Be @('journal one answer', 'journal three answer')
        $after | Should -BeExactly 'works'
        Get-CachedResponse -Key $seeded[0] -Path $dir | Should -BeExactly $seeded[0].PadRight(1024, '.')
        Get-CorruptFile $cacheFile | Should -BeNullOrEmpty
    }
}

Describe 'A damaged ai_responses.json.settings' {
    It 'never shrinks the cache: ONE warning names the file and the command that writes it again, which works as given' {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        Set-ResponseCacheConfiguration -Path $dir -MaxEntries 10000
        1..300 | ForEach-Object { [pscustomobject] @{ Key = "key $_"; Response = "answer $_" } } | Set-CachedResponse -Path $dir
        $settings = (Get-CacheFilePath $dir) + '.settings'
        [IO.File]::WriteAllText($settings, '{"max_entries": 10000, "ttl_d', $utf8)

        Set-CachedResponse -Key 'one more' -Response 'answer' -Path $dir -WarningVariable warnings -WarningAction SilentlyContinue
        Set-CachedResponse -Key 'another' -Response 'answer' -Path $dir -WarningVariable +warnings -WarningAction SilentlyContinue

        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 302
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "*'$settings'*MaxEntries 10000*Set-ResponseCacheConfiguration*"
        $repair = $warnings[0].Message.Substring($warnings[0].Message.IndexOf('Set-ResponseCacheConfiguration'))
        Invoke-Expression $repair
        (Get-Content -Raw $settings | ConvertFrom-Json).max_entries | Should -Be 10000
        Set-CachedResponse -Key 'after repair' -Response 'answer' -Path $dir -WarningVariable after -WarningAction SilentlyContinue
        $after | Should -BeNullOrEmpty
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 303
    }
}
