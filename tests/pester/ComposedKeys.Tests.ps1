<#
    Keys composed from -Model, -Prompt and -InputText: the documented raw text "model|prompt|input" (or "model|prompt"),
    the same entry whichever way it is addressed, across Set, Get, Remove and Get-CacheEntry, and from the pipeline.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force

    function Get-StoredKeyHashes([string] $Directory) { @((Read-CacheOnDisk $Directory).Keys) }
}

Describe 'Composed keys' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'names the entry by the SHA-256 of "<Key>" <When>, and Get -Key with that text hits it' -ForEach @(
        @{ When = 'with -InputText'; Parts = @{ Model = 'gpt'; Prompt = 'hello'; InputText = 'x' }; Key = 'gpt|hello|x' }
        @{ When = 'without -InputText'; Parts = @{ Model = 'gpt'; Prompt = 'hello' }; Key = 'gpt|hello' }
    ) {
        Set-CachedResponse @Parts -Response 'composed' -Path $cache

        Get-StoredKeyHashes $cache | Should -Be @(Get-KeyHash $Key)
        Get-CachedResponse -Key $Key -Path $cache | Should -BeExactly 'composed'
    }

    It 'treats an empty -InputText as a third part: "model|prompt|" is another key than "model|prompt"' {
        Set-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText '' -Response 'empty input' -Path $cache

        Get-StoredKeyHashes $cache | Should -Be @(Get-KeyHash 'gpt|hello|')
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -Path $cache | Should -BeNullOrEmpty
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText '' -Path $cache | Should -BeExactly 'empty input'
    }

    It 'does not escape the parts, so a "|" inside a part gives the same raw text as other splits' {
        Set-CachedResponse -Model 'a|b' -Prompt 'c' -Response 'raw' -Path $cache

        Get-CachedResponse -Model 'a' -Prompt 'b|c' -Path $cache | Should -BeExactly 'raw'
        Get-CachedResponse -Key 'a|b|c' -Path $cache | Should -BeExactly 'raw'
    }

    It 'uses the parts exactly as given: no trimming, no case folding' {
        Set-CachedResponse -Model 'GPT' -Prompt ' hello' -InputText 'x ' -Response 'exact' -Path $cache

        Get-CachedResponse -Model 'gpt' -Prompt ' hello' -InputText 'x ' -Path $cache | Should -BeNullOrEmpty
        Get-CachedResponse -Model 'GPT' -Prompt 'hello' -InputText 'x ' -Path $cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'GPT| hello|x ' -Path $cache | Should -BeExactly 'exact'
    }

    It 'finds with -Model/-Prompt/-InputText what Set -Key stored under the composed text' {
        Set-CachedResponse -Key 'gpt|hello|x' -Response 'by key' -Path $cache

        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -Path $cache | Should -BeExactly 'by key'
    }

    It 'records the composed key''s length as text_length' {
        Set-CachedResponse -Model 'gpt-4o-mini' -Prompt 'Summarize' -InputText 'a long document' -Response 'summary' -Path $cache

        (Get-CacheEntry -Key 'gpt-4o-mini|Summarize|a long document' -Path $cache).TextLength | Should -Be 'gpt-4o-mini|Summarize|a long document'.Length
    }

    It 'removes with -Model/-Prompt/-InputText what Set -Key stored, and only that entry' {
        Set-CachedResponse -Key 'gpt|hello|x' -Response 'goes' -Path $cache
        Set-CachedResponse -Key 'gpt|hello' -Response 'stays' -Path $cache

        Remove-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -PassThru -Path $cache | Should -Be 1

        Get-CachedResponse -Key 'gpt|hello|x' -Path $cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'gpt|hello' -Path $cache | Should -BeExactly 'stays'
    }

    It 'works with get-or-add: the scriptblock''s output is found under the composed key' {
        $answer = Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -Path $cache -ScriptBlock { 'produced' }

        $answer | Should -BeExactly 'produced'
        Get-CachedResponse -Key 'gpt|hello|x' -Path $cache | Should -BeExactly 'produced'
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -Path $cache -ScriptBlock { throw 'must not run' } |
            Should -BeExactly 'produced'
    }

    It 'requires -Prompt with -Model' {
        { Set-CachedResponse -Model 'gpt' -InputText 'x' -Response 'answer' -Path $cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'MissingMandatoryParameter,ResponseCache.Commands.SetCachedResponseCommand'
    }
}

Describe 'Composed keys from the pipeline, bound by property name' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        $requests = @(
            [pscustomobject]@{ Model = 'gpt'; Prompt = 'translate'; InputText = 'hello'; Response = 'bonjour' }
            [pscustomobject]@{ Model = 'gpt'; Prompt = 'translate'; InputText = 'bye'; Response = 'au revoir' }
            [pscustomobject]@{ Model = 'claude'; Prompt = 'greet'; Response = 'hi there' }
        )
    }

    It 'Set-CachedResponse stores each object''s Response under its composed key' {
        $requests | Set-CachedResponse -Path $cache

        Get-CachedResponse -Key 'gpt|translate|hello' -Path $cache | Should -BeExactly 'bonjour'
        Get-CachedResponse -Key 'gpt|translate|bye' -Path $cache | Should -BeExactly 'au revoir'
        Get-CachedResponse -Key 'claude|greet' -Path $cache | Should -BeExactly 'hi there'
    }

    It 'Get-CachedResponse returns each object''s response, in order' {
        $requests | Set-CachedResponse -Path $cache

        $requests | Get-CachedResponse -Path $cache |
            Should -Be @('bonjour', 'au revoir', 'hi there')
    }

    It 'Remove-CachedResponse removes each object''s entry' {
        $requests | Set-CachedResponse -Path $cache
        Set-CachedResponse -Key 'unrelated' -Response 'stays' -Path $cache

        $requests | Remove-CachedResponse -PassThru -Path $cache | Should -Be 3

        @(Get-CacheEntry -Path $cache).KeyHash | Should -Be @(Get-KeyHash 'unrelated')
    }
}

Describe 'Empty parts of a composed key' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        Import-ModuleUnderTest
    }

    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'accepts an empty -Prompt as it accepts an empty -InputText: "model||input"' {
        Set-CachedResponse -Model 'gpt' -Prompt '' -InputText 'input only' -Response 'answer' -Path $cache

        Get-CachedResponse -Key 'gpt||input only' -Path $cache | Should -BeExactly 'answer'
    }

    It 'refuses an empty -Model: a model is a name' {
        { Set-CachedResponse -Model '' -Prompt 'p' -Response 'x' -Path $cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*,ResponseCache.Commands.SetCachedResponseCommand'
    }
}
