<#
    Keys composed from -Model, -Prompt and -InputText: the documented raw text "model|prompt|input" (or "model|prompt"),
    the same entry whichever way it is addressed, across Set, Get, Remove and Get-CacheEntry, and from the pipeline.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    function Get-StoredKeyHashes([hashtable] $Cache) { @(Get-CacheEntry @Cache | ForEach-Object KeyHash) }
}

Describe 'Composed keys on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'names the entry by the SHA-256 of "<Key>" <When>, and Get -Key with that text hits it' -ForEach @(
        @{ When = 'with -InputText'; Parts = @{ Model = 'gpt'; Prompt = 'hello'; InputText = 'x' }; Key = 'gpt|hello|x' }
        @{ When = 'without -InputText'; Parts = @{ Model = 'gpt'; Prompt = 'hello' }; Key = 'gpt|hello' }
    ) {
        Set-CachedResponse @Parts -Response 'composed' @cache

        Get-StoredKeyHashes $cache | Should -Be @(Get-KeyHash $Key)
        Get-CachedResponse -Key $Key @cache | Should -BeExactly 'composed'
    }

    It 'takes a number given as a key or a part as its invariant round-trip text, in any culture' {
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            Set-CachedResponse -Model 'temperature' -Prompt (0.1 + 0.2) -InputText 42 -Response 'numeric parts' @cache
            Set-CachedResponse -Key 1e300 -Response 'numeric key' @cache
        }
        finally {
            [cultureinfo]::CurrentCulture = $culture
        }

        Get-CachedResponse -Key 'temperature|0.30000000000000004|42' @cache | Should -BeExactly 'numeric parts'
        Get-CachedResponse -Key '1E+300' @cache | Should -BeExactly 'numeric key'
    }

    It 'treats an empty -InputText as a third part: "model|prompt|" is another key than "model|prompt"' {
        Set-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText '' -Response 'empty input' @cache

        Get-StoredKeyHashes $cache | Should -Be @(Get-KeyHash 'gpt|hello|')
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText '' @cache | Should -BeExactly 'empty input'
    }

    It 'does not escape the parts, so a "|" inside a part gives the same raw text as other splits' {
        Set-CachedResponse -Model 'a|b' -Prompt 'c' -Response 'raw' @cache

        Get-CachedResponse -Model 'a' -Prompt 'b|c' @cache | Should -BeExactly 'raw'
        Get-CachedResponse -Key 'a|b|c' @cache | Should -BeExactly 'raw'
    }

    It 'uses the parts exactly as given: no trimming, no case folding' {
        Set-CachedResponse -Model 'GPT' -Prompt ' hello' -InputText 'x ' -Response 'exact' @cache

        Get-CachedResponse -Model 'gpt' -Prompt ' hello' -InputText 'x ' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Model 'GPT' -Prompt 'hello' -InputText 'x ' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'GPT| hello|x ' @cache | Should -BeExactly 'exact'
    }

    It 'finds with -Model/-Prompt/-InputText what Set -Key stored under the composed text' {
        Set-CachedResponse -Key 'gpt|hello|x' -Response 'by key' @cache

        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' @cache | Should -BeExactly 'by key'
    }

    It 'records the composed key''s length as text_length' {
        Set-CachedResponse -Model 'gpt-4o-mini' -Prompt 'Summarize' -InputText 'a long document' -Response 'summary' @cache

        (Get-CacheEntry -Key 'gpt-4o-mini|Summarize|a long document' @cache).TextLength | Should -Be 'gpt-4o-mini|Summarize|a long document'.Length
    }

    It 'removes with -Model/-Prompt/-InputText what Set -Key stored, and only that entry' {
        Set-CachedResponse -Key 'gpt|hello|x' -Response 'goes' @cache
        Set-CachedResponse -Key 'gpt|hello' -Response 'stays' @cache

        Remove-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -PassThru @cache | Should -Be 1

        Get-CachedResponse -Key 'gpt|hello|x' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'gpt|hello' @cache | Should -BeExactly 'stays'
    }

    It 'works with get-or-add: the scriptblock''s output is found under the composed key' {
        $answer = Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' @cache -ScriptBlock { 'produced' }

        $answer | Should -BeExactly 'produced'
        Get-CachedResponse -Key 'gpt|hello|x' @cache | Should -BeExactly 'produced'
        Get-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' @cache -ScriptBlock { throw 'must not run' } |
            Should -BeExactly 'produced'
    }

    It 'requires -Prompt with -Model' {
        { Set-CachedResponse -Model 'gpt' -InputText 'x' -Response 'answer' @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'MissingMandatoryParameter,ResponseCache.Commands.SetCachedResponseCommand'
    }
}

Describe 'Composed keys from the pipeline, bound by property name, on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        $requests = @(
            [pscustomobject]@{ Model = 'gpt'; Prompt = 'translate'; InputText = 'hello'; Response = 'bonjour' }
            [pscustomobject]@{ Model = 'gpt'; Prompt = 'translate'; InputText = 'bye'; Response = 'au revoir' }
            [pscustomobject]@{ Model = 'claude'; Prompt = 'greet'; Response = 'hi there' }
        )
    }

    It 'Set-CachedResponse stores each object''s Response under its composed key' {
        $requests | Set-CachedResponse @cache

        Get-CachedResponse -Key 'gpt|translate|hello' @cache | Should -BeExactly 'bonjour'
        Get-CachedResponse -Key 'gpt|translate|bye' @cache | Should -BeExactly 'au revoir'
        Get-CachedResponse -Key 'claude|greet' @cache | Should -BeExactly 'hi there'
    }

    It 'Get-CachedResponse returns each object''s response, in order' {
        $requests | Set-CachedResponse @cache

        $requests | Get-CachedResponse @cache |
            Should -Be @('bonjour', 'au revoir', 'hi there')
    }

    It 'Remove-CachedResponse removes each object''s entry' {
        $requests | Set-CachedResponse @cache
        Set-CachedResponse -Key 'unrelated' -Response 'stays' @cache

        $requests | Remove-CachedResponse -PassThru @cache | Should -Be 3

        @(Get-CacheEntry @cache).KeyHash | Should -Be @(Get-KeyHash 'unrelated')
    }
}

Describe 'Empty parts of a composed key on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'accepts an empty -Prompt as it accepts an empty -InputText: "model||input"' {
        Set-CachedResponse -Model 'gpt' -Prompt '' -InputText 'input only' -Response 'answer' @cache

        Get-CachedResponse -Key 'gpt||input only' @cache | Should -BeExactly 'answer'
    }

    It 'refuses an empty -Model: a model is a name' {
        { Set-CachedResponse -Model '' -Prompt 'p' -Response 'x' @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*,ResponseCache.Commands.SetCachedResponseCommand'
    }
}

Describe 'Composed keys in a cache directory' {
    It 'names the entry in ai_responses.json by the SHA-256 of "model|prompt|input"' {
        $dir = New-CacheDirectoryPath -Parent $TestDrive

        Set-CachedResponse -Model 'gpt' -Prompt 'hello' -InputText 'x' -Response 'composed' -Path $dir

        @((Read-CacheOnDisk $dir).Keys) | Should -Be @(Get-KeyHash 'gpt|hello|x')
    }
}
