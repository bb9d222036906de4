BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    # The error a call ends with when it stops on its first error.
    function Get-CallError {
        param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
        $ErrorActionPreference = 'Stop'
        try {
            & $ScriptBlock
        } catch {
            return $_
        }
        throw 'The call succeeded; an error was expected.'
    }

    <#
    Makes a directory refuse new files, and returns a script block that undoes it; $null where this process cannot.
    root ignores file modes, so for root the directory is made immutable (chattr +i) where the file system allows it.
    #>
    function Protect-Directory {
        param([Parameter(Mandatory)] [string] $Path)
        if ($IsWindows) { return $null }
        if ((id -u) -ne '0') {
            chmod 0500 $Path
            return { chmod 0700 $Path }.GetNewClosure()
        }
        if ($null -eq (Get-Command chattr -ErrorAction Ignore)) { return $null }
        chattr +i $Path 2>$null
        if ($LASTEXITCODE -ne 0) { return $null }
        { chattr -i $Path }.GetNewClosure()
    }
}

Describe 'Bad input leaves the cache as it was, on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'kept' -Response 'unchanged' @cache
        $listed = @(Get-CacheEntry @cache)
        # A directory's file must not change at all.
        $fileBefore = if (Test-DirectoryCache $cache) { Get-FileSha256 (Get-CacheFilePath $cache.Path) }
        $cycle = [pscustomobject]@{ name = 'loop'; self = $null }
        $cycle.self = $cycle
        $cyclicTable = @{ name = 'loop' }
        $cyclicTable.self = $cyclicTable
        $sixDeep = @{ 1 = @{ 2 = @{ 3 = @{ 4 = @{ 5 = @{ 6 = 'bottom' } } } } } }
    }

    It '<Case>: <ErrorId> (<Category>)' -ForEach @(
        @{ Case = 'Set with an empty key'; Command = 'Set'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key '' -Response 'x' @cache } }
        @{ Case = 'Set with a $null key'; Command = 'Set'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key $null -Response 'x' @cache } }
        @{ Case = 'Get with an empty key'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key '' @cache } }
        @{ Case = 'Get with a $null key'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key $null @cache } }
        @{ Case = 'Set with a $null response'; Command = 'Set'; ErrorId = 'ParameterArgumentValidationErrorNullNotAllowed'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response $null @cache } }
        @{ Case = 'Set with -MaxEntries 0'; Command = 'Set'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'new' -Response 'x' -MaxEntries 0 @cache } }
        @{ Case = 'Set with -MaxEntries -1'; Command = 'Set'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'new' -Response 'x' -MaxEntries -1 @cache } }
        @{ Case = 'Get with -MaxEntries 0'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key 'kept' -MaxEntries 0 @cache } }
        @{ Case = 'Get with -TtlDays -1'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key 'kept' -TtlDays -1 @cache } }
        @{ Case = 'Get with -TtlDays NaN'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key 'kept' -TtlDays ([double]::NaN) @cache } }
        @{ Case = 'Get with -TtlDays Infinity'; Command = 'Get'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Get-CachedResponse -Key 'kept' -TtlDays ([double]::PositiveInfinity) @cache } }
        @{ Case = 'Clear -Expired with -TtlDays -1'; Command = 'Clear'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Clear-ResponseCache -Expired -TtlDays -1 @cache -Confirm:$false } }
        @{ Case = 'Clear -Expired with -TtlDays NaN'; Command = 'Clear'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Call = { Clear-ResponseCache -Expired -TtlDays ([double]::NaN) @cache -Confirm:$false } }
        @{ Case = 'Set with a PSCustomObject that contains itself'; Command = 'Set'; ErrorId = 'ResponseHasCycle'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response $cycle @cache } }
        @{ Case = 'Set with a hashtable that contains itself'; Command = 'Set'; ErrorId = 'ResponseHasCycle'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response $cyclicTable @cache } }
        @{ Case = 'Set with a response 6 levels deep and -Depth 5'; Command = 'Set'; ErrorId = 'ResponseTooDeep'; Category = 'LimitsExceeded'; Call = { Set-CachedResponse -Key 'kept' -Response $sixDeep -Depth 5 @cache } }
        @{ Case = 'Set with a NaN response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response ([double]::NaN) @cache } }
        @{ Case = 'Set with Infinity inside a response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response @{ score = [double]::PositiveInfinity } @cache } }
        @{ Case = 'Set with a response of over a million values'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response ([int[]]::new(1000001)) @cache } }
        @{ Case = 'Set with a scriptblock as the response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response { Invoke-RestMethod 'https://example.invalid' } @cache } }
        @{ Case = 'Set with a type inside a response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response @{ kind = [string] } @cache } }
        @{ Case = 'Set -AsJson with a truncated object'; Command = 'Set'; ErrorId = 'InvalidResponseJson'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response '{"unclosed": ' -AsJson @cache } }
        @{ Case = 'Set -AsJson with text that is not JSON'; Command = 'Set'; ErrorId = 'InvalidResponseJson'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response 'not json' -AsJson @cache } }
        @{ Case = 'Set -AsJson with two JSON values'; Command = 'Set'; ErrorId = 'InvalidResponseJson'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response '{"a": 1} {"b": 2}' -AsJson @cache } }
        @{ Case = 'Set -AsJson with a value that is not text'; Command = 'Set'; ErrorId = 'InvalidResponseJson'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response 42 -AsJson @cache } }
        @{ Case = 'Get-or-add with a hashtable as the key'; Command = 'Get'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Get-CachedResponse -Key @{ model = 'gpt-4o'; prompt = 'Say A' } -ScriptBlock { 'answer for A' } @cache } }
        @{ Case = 'Get with a hashtable piped as the key'; Command = 'Get'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { @{ prompt = 'Say A' } | Get-CachedResponse @cache } }
        @{ Case = 'Set with a PSCustomObject as the key'; Command = 'Set'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key ([pscustomobject]@{ p = 1 }) -Response 'x' @cache } }
        @{ Case = 'Get with an array as the key'; Command = 'Get'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Get-CachedResponse -Key ([object[]]('kept', 'other')) @cache } }
        @{ Case = 'Get with a date as the key'; Command = 'Get'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Get-CachedResponse -Key ([datetime]'2026-12-03') @cache } }
        @{ Case = 'Set with a hashtable as the prompt'; Command = 'Set'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Model 'm' -Prompt @{ text = 'hi' } -Response 'x' @cache } }
        @{ Case = 'Remove with a hashtable among the keys'; Command = 'Remove'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Remove-CachedResponse -Key 'kept', @{ p = 1 } @cache -Confirm:$false } }
        @{ Case = 'Get-CacheEntry with a hashtable as the key'; Command = 'Entry'; ErrorId = 'KeyNotText'; Category = 'InvalidArgument'; Call = { Get-CacheEntry -Key @{ p = 1 } @cache } }
        @{ Case = 'Get-or-add with a lone surrogate in the key'; Command = 'Get'; ErrorId = 'InvalidUnicodeText'; Category = 'InvalidArgument'; Call = { Get-CachedResponse -Key "s$([char]0xD83D)" -ScriptBlock { 'x' } @cache } }
        @{ Case = 'Set with a lone surrogate in the prompt'; Command = 'Set'; ErrorId = 'InvalidUnicodeText'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Model 'm' -Prompt "p$([char]0xDC00)" -Response 'x' @cache } }
        @{ Case = 'Remove with a lone surrogate in a key'; Command = 'Remove'; ErrorId = 'InvalidUnicodeText'; Category = 'InvalidArgument'; Call = { Remove-CachedResponse -Key "k$([char]0xD800)" @cache -Confirm:$false } }
        @{ Case = 'Set with a lone surrogate inside a response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response @{ text = "a$([char]0xD800)b" } @cache } }
        @{ Case = 'Set with a hashtable whose keys 1 and ''1'' are one JSON name'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { $h = @{}; $h[1] = 'int-one'; $h['1'] = 'string-one'; Set-CachedResponse -Key 'kept' -Response $h @cache } }
        @{ Case = 'Set with a dictionary whose keys differ only in case'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { $d = [Collections.Generic.Dictionary[string, string]]::new(); $d['a'] = 'lower'; $d['A'] = 'upper'; Set-CachedResponse -Key 'kept' -Response $d @cache } }
        @{ Case = 'Set with a whole number of 4,301 digits'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response ([bigint]::Pow(10, 4300)) @cache } }
        @{ Case = 'Set -AsJson with a whole number of 4,301 digits'; Command = 'Set'; ErrorId = 'InvalidResponseJson'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response ('[1' + ('0' * 4300) + ']') -AsJson @cache } }
        @{ Case = 'Set with an XML document as the response'; Command = 'Set'; ErrorId = 'ResponseNotSerializable'; Category = 'InvalidData'; Call = { Set-CachedResponse -Key 'kept' -Response ([xml]'<reply><text>hi</text></reply>') @cache } }
    ) {
        $commandType = @{ Set = 'SetCachedResponseCommand'; Get = 'GetCachedResponseCommand'; Clear = 'ClearResponseCacheCommand'; Remove = 'RemoveCachedResponseCommand'; Entry = 'GetCacheEntryCommand' }[$Command]

        $failure = Get-CallError $Call

        $failure.FullyQualifiedErrorId | Should -BeExactly "$ErrorId,ResponseCache.Commands.$commandType"
        $failure.CategoryInfo.Category | Should -Be $Category
        $after = @(Get-CacheEntry @cache)
        $after.KeyHash | Should -Be $listed.KeyHash
        $after.SizeBytes | Should -Be $listed.SizeBytes
        Get-CachedResponse -Key 'kept' @cache | Should -BeExactly 'unchanged'
        if ($fileBefore) { Get-FileSha256 (Get-CacheFilePath $cache.Path) | Should -Be $fileBefore }
    }

    It 'stores the sound items of a pipeline and reports only the bad one' {
        $items = @(
            [pscustomobject]@{ Key = 'first'; Response = 'one' }
            [pscustomobject]@{ Key = 'bad'; Response = $cycle }
            [pscustomobject]@{ Key = 'last'; Response = 'three' }
        )

        $items | Set-CachedResponse @cache -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeExactly 'ResponseHasCycle,ResponseCache.Commands.SetCachedResponseCommand'
        $failures[0].TargetObject | Should -BeExactly 'bad'
        'first', 'bad', 'last', 'kept' | Get-CachedResponse @cache | Should -Be @('one', 'three', 'unchanged')
    }
}

Describe 'Bad input leaves a cache directory as it was' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        Set-CachedResponse -Key 'kept' -Response 'unchanged' -Path $dir
        $cacheFile = Get-CacheFilePath $dir
        $before = Get-FileSha256 $cacheFile
        $aFile = Join-Path $TestDrive 'a-file.txt'
        Set-Content -LiteralPath $aFile -Value 'not a directory'
    }

    It '<Case>: <ErrorId> (<Category>)' -ForEach @(
        @{ Case = 'Set with -Path naming a file'; Command = 'Set'; ErrorId = 'CachePathIsFile'; Category = 'InvalidArgument'; Call = { Set-CachedResponse -Key 'kept' -Response 'x' -Path $aFile } }
        @{ Case = 'Get with -Path naming a file'; Command = 'Get'; ErrorId = 'CachePathIsFile'; Category = 'InvalidArgument'; Call = { Get-CachedResponse -Key 'kept' -Path $aFile } }
        @{ Case = 'Set with -Path under a file'; Command = 'Set'; ErrorId = 'CacheWriteFailed'; Category = 'WriteError'; Call = { Set-CachedResponse -Key 'kept' -Response 'x' -Path (Join-Path $aFile 'cache') } }
    ) {
        $commandType = @{ Set = 'SetCachedResponseCommand'; Get = 'GetCachedResponseCommand'; Clear = 'ClearResponseCacheCommand' }[$Command]

        $failure = Get-CallError $Call

        $failure.FullyQualifiedErrorId | Should -BeExactly "$ErrorId,ResponseCache.Commands.$commandType"
        $failure.CategoryInfo.Category | Should -Be $Category
        Get-FileSha256 $cacheFile | Should -Be $before
        Get-CachedResponse -Key 'kept' -Path $dir | Should -BeExactly 'unchanged'
        Get-Content -LiteralPath $aFile | Should -BeExactly 'not a directory'
    }

    It 'reads an empty directory that cannot be written as an empty cache, creating nothing' {
        $readOnly = New-CacheDirectoryPath -Parent $TestDrive
        $null = New-Item -ItemType Directory -Path $readOnly
        $undo = Protect-Directory $readOnly
        if ($null -eq $undo) {
            Set-ItResult -Skipped -Because 'this process cannot make a directory refuse writes (Windows, or root without chattr)'
            return
        }
        try {
            $stats = Get-CacheStats -Path $readOnly -ErrorAction Stop
            $entries = @(Get-CacheEntry -Path $readOnly -ErrorAction Stop)
            $miss = @(Get-CachedResponse -Key 'absent' -Path $readOnly -ErrorAction Stop)
        } finally {
            & $undo
        }

        $stats.TotalEntries | Should -Be 0
        $entries.Count | Should -Be 0
        $miss.Count | Should -Be 0
        Get-ChildItem -LiteralPath $readOnly -Force | Should -BeNullOrEmpty
    }

    It 'fails Set with CacheAccessDenied (PermissionDenied) in a directory that cannot be written, keeping the file' {
        $undo = Protect-Directory $dir
        if ($null -eq $undo) {
            Set-ItResult -Skipped -Because 'this process cannot make a directory refuse writes (Windows, or root without chattr)'
            return
        }
        try {
            $failure = Get-CallError { Set-CachedResponse -Key 'new' -Response 'x' -Path $dir }
            $stillThere = Get-CachedResponse -Key 'kept' -Path $dir
        } finally {
            & $undo
        }

        $failure.FullyQualifiedErrorId | Should -BeExactly 'CacheAccessDenied,ResponseCache.Commands.SetCachedResponseCommand'
        $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $stillThere | Should -BeExactly 'unchanged'
        Get-FileSha256 $cacheFile | Should -Be $before
    }
}
