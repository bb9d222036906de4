<#
    What the cache saved, as a user reads it: a reply stored by get-or-add and hit in separate processes reports its
    tokens times its hits (Get-CacheStats) and its hits per entry (Get-CacheEntry). How replies' usage is read and how
    hits add up is proven once on the engine (CacheContract.Usage).
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'What the cache saved on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'a <Shape>-shaped reply stored by get-or-add and hit in three other processes reports its tokens times three' -ForEach @(
        @{ Shape = 'OpenAI'; Reply = '{"model":"gpt-4o","choices":[{"message":{"content":"Hi"}}],"usage":{"prompt_tokens":120,"completion_tokens":30}}'; Model = 'gpt-4o'; In = 120; Out = 30 }
        @{ Shape = 'Anthropic'; Reply = '{"model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":10,"cache_read_input_tokens":90,"output_tokens":40}}'; Model = 'claude-sonnet-4-5'; In = 100; Out = 40 }
        @{ Shape = 'Ollama'; Reply = '{"model":"llama3.2","response":"Hi","done":true,"total_duration":2000000000,"prompt_eval_count":26,"eval_count":290}'; Model = 'llama3.2'; In = 26; Out = 290 }
    ) {
        $null = Get-CachedResponse -Key 'question' -ScriptBlock { $Reply | ConvertFrom-Json } @cache
        $parameters = ConvertTo-CacheParameterText $cache
        foreach ($process in 1..3) {
            $run = Invoke-FreshPwsh -Script "Get-CachedResponse -Key 'question' -ScriptBlock { throw 'paid twice' } $parameters | ConvertTo-Json -Compress -Depth 5"
            $run.Output -join '' | Should -Match '"Hi"'
        }

        $entry = Get-CacheEntry -Key 'question' @cache
        $entry.Model | Should -BeExactly $Model
        $entry.Hits | Should -Be 3
        $statistics = Get-CacheStats @cache
        $statistics.EntryHits | Should -Be 3
        $statistics.SavedInputTokens | Should -Be (3 * $In)
        $statistics.SavedOutputTokens | Should -Be (3 * $Out)
        $statistics.SavedProducerTime | Should -BeGreaterThan ([TimeSpan]::Zero)
    }

    It 'a text reply saves hits but no tokens' {
        Set-CachedResponse -Key 'question' -Response 'plain answer' @cache
        $null = Get-CachedResponse -Key 'question' @cache

        $statistics = Get-CacheStats @cache
        $statistics.SavedInputTokens | Should -Be 0
        (Get-CacheEntry -Key 'question' @cache).InputTokens | Should -BeNullOrEmpty
    }
}
