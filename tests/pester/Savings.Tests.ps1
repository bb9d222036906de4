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
    Import-Module (Join-Path $PSScriptRoot 'StandInApi.psm1') -Force
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
            $run.Output -join '' | Should -Match '"Hi"' -Because ($run.Errors -join "`n")
        }

        $entry = Get-CacheEntry -Key 'question' @cache
        $entry.Model | Should -BeExactly $Model
        $entry.Hits | Should -Be 3
        $statistics = Get-CacheStats @cache
        $statistics.EntryHits | Should -Be 3
        $statistics.SavedInputTokens | Should -Be (3 * $In)
        $statistics.SavedOutputTokens | Should -Be (3 * $Out)
        $statistics.SavedProducerTime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $today = Get-CacheSavings @cache
        $today.Model | Should -BeExactly $Model
        $today.Hits | Should -Be 3
        $today.SavedInputTokens | Should -Be (3 * $In)
        $today.Date | Should -Be ([DateTime]::UtcNow.Date)
    }

    It 'an OpenAI-shaped reply that Invoke-CachedRestMethod cached saves its tokens on every hit' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"model":"gpt-4o-mini","choices":[{"message":{"content":"Hi"}}],"usage":{"prompt_tokens":9,"completion_tokens":2}}' }
        try {
            $request = @{ Uri = $api.Uri; Method = 'Post'; Body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'; ContentType = 'application/json' }
            1..3 | ForEach-Object { $null = Invoke-CachedRestMethod @request @cache }
        }
        finally {
            Stop-StandInApi $api
        }

        $api.Requests.Count | Should -Be 1
        $entry = Get-CacheEntry @cache
        $entry.Model | Should -BeExactly 'gpt-4o-mini'
        $entry.InputTokens | Should -Be 9
        $statistics = Get-CacheStats @cache
        $statistics.SavedInputTokens | Should -Be (2 * 9)
        $statistics.SavedOutputTokens | Should -Be (2 * 2)
    }

    It 'a text reply saves hits but no tokens' {
        Set-CachedResponse -Key 'question' -Response 'plain answer' @cache
        $null = Get-CachedResponse -Key 'question' @cache

        $statistics = Get-CacheStats @cache
        $statistics.SavedInputTokens | Should -Be 0
        (Get-CacheEntry -Key 'question' @cache).InputTokens | Should -BeNullOrEmpty
    }
}

Describe 'Money saved on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'appears once prices are configured, with the tokens of unpriced models counted apart' {
        Set-CachedResponse -Key 'openai' -Response ('{"model":"gpt-4o","usage":{"prompt_tokens":1000,"completion_tokens":500}}' | ConvertFrom-Json) @cache
        Set-CachedResponse -Key 'ollama' -Response ('{"model":"llama3.2","prompt_eval_count":26,"eval_count":290}' | ConvertFrom-Json) @cache
        1..2 | ForEach-Object { $null = Get-CachedResponse -Key 'openai' @cache }
        $null = Get-CachedResponse -Key 'ollama' @cache
        (Get-CacheStats @cache).SavedCost | Should -BeNullOrEmpty

        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } } @cache

        $statistics = Get-CacheStats @cache
        $statistics.SavedCost | Should -Be ((2 * 1000 * 2.50 + 2 * 500 * 10.00) / 1e6)
        $statistics.UnpricedInputTokens | Should -Be 26
        $statistics.UnpricedOutputTokens | Should -Be 290
        (Get-ResponseCacheConfiguration @cache).Prices.Model | Should -Be 'gpt-4o'
    }

    It 'prices come from a .psd1 file and are removed by model' {
        $file = Join-Path $TestDrive 'prices.psd1'
        Set-Content -LiteralPath $file -Value "@{ 'gpt-4o' = @{ Input = 2.5; Output = 10 }; 'claude-sonnet-4-5' = @{ Input = 3; Output = 15 } }"

        Set-ResponseCacheConfiguration -PriceFile $file @cache
        (Get-ResponseCacheConfiguration @cache).Prices.Model | Should -Be @('claude-sonnet-4-5', 'gpt-4o')

        Set-ResponseCacheConfiguration -RemovePrice 'gpt-4o' @cache
        (Get-ResponseCacheConfiguration @cache).Prices.Model | Should -Be 'claude-sonnet-4-5'
        Set-ResponseCacheConfiguration -RemovePrice * @cache
        (Get-ResponseCacheConfiguration @cache).Prices | Should -BeNullOrEmpty
    }

    It 'a .json price file reads as ConvertFrom-Json reads it: a byte order mark, as Windows PowerShell writes, and numbers as text' {
        $file = Join-Path $TestDrive 'prices.json'
        [IO.File]::WriteAllText($file, '{ "gpt-4o": { "Input": "2.5", "Output": 10 } }', [Text.UTF8Encoding]::new($true))

        Set-ResponseCacheConfiguration -PriceFile $file @cache

        (Get-ResponseCacheConfiguration @cache).Prices | ForEach-Object { $_.Model, $_.Input, $_.Output } | Should -Be @('gpt-4o', 2.5, 10)
    }

    It 'a missing price file is an ObjectNotFound error naming the file, and the stored prices stay' {
        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } } @cache
        $missing = Join-Path $TestDrive 'no-such-prices.json'

        $record = { Set-ResponseCacheConfiguration -PriceFile $missing @cache -ErrorAction Stop } | Should -Throw -PassThru

        $record.FullyQualifiedErrorId | Should -Be 'InvalidPrice,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.Exception.Message | Should -BeLike "*$missing*"
        (Get-ResponseCacheConfiguration @cache).Prices.Output | Should -Be 10
    }

    It 'a negative price is refused with one sentence, not a .NET argument message' {
        $record = { Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = -1; Output = 10 } } @cache -ErrorAction Stop } | Should -Throw -PassThru

        $record.FullyQualifiedErrorId | Should -Be 'InvalidPrice,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        $record.Exception.Message | Should -Be "The input price of 'gpt-4o' must be a finite number, 0 or more, per million tokens."
    }

    It 'a price field other than Input and Output (<Field>) is refused, not silently ignored' -ForEach @(
        @{ Field = 'Cached'; Price = @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00; Cached = 1.25 } } }
        @{ Field = 'Ouptut'; Price = @{ 'gpt-4o' = [pscustomobject]@{ Input = 2.50; Ouptut = 10.00 } } }
    ) {
        $record = { Set-ResponseCacheConfiguration -Price $Price @cache -ErrorAction Stop } | Should -Throw -PassThru

        $record.FullyQualifiedErrorId | Should -Be 'InvalidPrice,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        $record.Exception.Message | Should -BeLike "*'$Field'*Input and Output*"
        (Get-ResponseCacheConfiguration @cache).Prices | Should -BeNullOrEmpty
    }

    It 'a model both priced and named by -RemovePrice is refused; removing a model with no price warns' {
        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } } @cache

        { Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 1; Output = 2 } } -RemovePrice 'GPT-4o' @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPrice,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        (Get-ResponseCacheConfiguration @cache).Prices.Output | Should -Be 10
        Set-ResponseCacheConfiguration -RemovePrice 'gpt-4-o' @cache -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike "*'gpt-4-o' has no price*'gpt-4o'*"
        (Get-ResponseCacheConfiguration @cache).Prices.Model | Should -Be 'gpt-4o'
    }

    It 'Format-List shows each price on a line of its own at 80 columns' {
        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 }; 'claude-sonnet-4-20250514' = @{ Input = 3; Output = 15 } } @cache

        $lines = (Get-ResponseCacheConfiguration @cache | Format-List | Out-String -Width 80) -split '\r?\n'

        $lines | Should -Contain 'Prices     : claude-sonnet-4-20250514: 3 in, 15 out'
        $lines | Should -Contain '             gpt-4o: 2.5 in, 10 out'
    }

    It 'a price without a number for Output is refused with InvalidPrice, and the stored prices stay' {
        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } } @cache

        { Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 1 } } @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPrice,ResponseCache.Commands.SetResponseCacheConfigurationCommand'
        (Get-ResponseCacheConfiguration @cache).Prices.Output | Should -Be 10
    }
}

Describe 'What removed entries saved, and the savings by model and day, on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'openai' -Response ('{"model":"gpt-4o","usage":{"prompt_tokens":1000,"completion_tokens":500}}' | ConvertFrom-Json) -Tag 'old-template' @cache
        Set-CachedResponse -Key 'anthropic' -Response ('{"model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":40}}' | ConvertFrom-Json) @cache
        1..2 | ForEach-Object { $null = Get-CachedResponse -Key 'openai' @cache }
        $null = Get-CachedResponse -Key 'anthropic' @cache
        Set-ResponseCacheConfiguration -Price @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } } @cache
    }

    It 'removing an entry by tag leaves what it saved in Get-CacheStats and Get-CacheSavings' {
        $before = Get-CacheStats @cache

        Remove-CachedResponse -Tag 'old-template' @cache -Confirm:$false

        Get-CacheEntry @cache | Should -HaveCount 1
        $after = Get-CacheStats @cache
        $after.EntryHits | Should -Be 3
        $after.SavedInputTokens | Should -Be $before.SavedInputTokens
        $after.SavedCost | Should -Be ((2 * 1000 * 2.50 + 2 * 500 * 10.00) / 1e6)
        (Get-CacheSavings -Model 'GPT-4O' @cache).SavedInputTokens | Should -Be 2000
    }

    It 'Get-CacheSavings gives one object per model per day, for Group-Object and Measure-Object' {
        $days = Get-CacheSavings @cache

        $days | Should -HaveCount 2
        ($days | Measure-Object -Property SavedInputTokens -Sum).Sum | Should -Be 2010
        ($days | Measure-Object -Property SavedCost -Sum).Sum | Should -Be ((2 * 1000 * 2.50 + 2 * 500 * 10.00) / 1e6)
        ($days | Group-Object Model | Sort-Object Name).Name | Should -Be @('claude-sonnet-4-5', 'gpt-4o')
        Get-CacheSavings -Since ([DateTime]::UtcNow.AddDays(1)) @cache | Should -BeNullOrEmpty
    }

    It 'Clear-ResponseCache keeps what the cache saved; -ResetSavings starts the account anew' {
        Clear-ResponseCache @cache -Confirm:$false
        (Get-CacheStats @cache).SavedInputTokens | Should -Be 2010

        (Invoke-FreshPwsh -Script "Clear-ResponseCache -ResetSavings $(ConvertTo-CacheParameterText $cache) -WhatIf").Output -join ' ' |
            Should -Match 'What if: .*and the account of what they saved'
        (Get-CacheStats @cache).SavedInputTokens | Should -Be 2010
        Clear-ResponseCache -ResetSavings @cache -Confirm:$false
        (Get-CacheStats @cache).SavedInputTokens | Should -Be 0
        Get-CacheSavings @cache | Should -BeNullOrEmpty
    }

    It 'refuses -ResetSavings with -Expired (ResetSavingsWithExpired), and removes nothing' {
        { Clear-ResponseCache -Expired -ResetSavings @cache -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ResetSavingsWithExpired,ResponseCache.Commands.ClearResponseCacheCommand'
        Get-CacheEntry @cache | Should -HaveCount 2
    }
}

Describe 'Selection by model on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'a' -Response ('{"model":"gpt-4o","usage":{"prompt_tokens":1,"completion_tokens":1}}' | ConvertFrom-Json) @cache
        Set-CachedResponse -Key 'b' -Response ('{"model":"GPT-4o","usage":{"prompt_tokens":1,"completion_tokens":1}}' | ConvertFrom-Json) @cache
        Set-CachedResponse -Key 'c' -Response ('{"model":"llama3.2","prompt_eval_count":1,"eval_count":1}' | ConvertFrom-Json) @cache
        Set-CachedResponse -Key 'd' -Response 'no model' @cache
    }

    It 'Get-CacheEntry -Model lists only the entries of any of the models, in any case' {
        (Get-CacheEntry -Model 'gpt-4o' @cache).KeyHash | Sort-Object | Should -Be (@((Get-KeyHash 'a'), (Get-KeyHash 'b')) | Sort-Object)
        Get-CacheEntry -Model 'gpt-4o', 'LLAMA3.2' @cache | Should -HaveCount 3
    }

    It 'Clear-ResponseCache -Model -WhatIf says how many, and without it removes exactly those, for every process' {
        (Invoke-FreshPwsh -Script "Clear-ResponseCache -Model 'gpt-4o' $(ConvertTo-CacheParameterText $cache) -WhatIf").Output -join ' ' |
            Should -Match "What if: .*of model 'gpt-4o' \(2 entries\)"
        Get-CacheEntry @cache | Should -HaveCount 4

        Clear-ResponseCache -Model 'gpt-4o' @cache -Confirm:$false -PassThru | Should -Be 2

        $parameters = ConvertTo-CacheParameterText $cache
        $run = Invoke-FreshPwsh -Script "(Get-CacheEntry $parameters).KeyHash"
        $run.Output | Sort-Object | Should -Be (@((Get-KeyHash 'c'), (Get-KeyHash 'd')) | Sort-Object)
    }
}
