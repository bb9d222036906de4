<#
    What a user reads: -WhatIf texts, the default views at 80 columns, and where Get-Help -Online goes.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    $cmdlets = @(Get-Command -Module ResponseCache -CommandType Cmdlet)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

Describe '-WhatIf texts on <Name>' -ForEach (Get-TestBackend) {
    BeforeAll {
        # -WhatIf writes to the host, not to a stream: a fresh pwsh's standard output is where a user would read it.
        $cache = ConvertTo-CacheParameterText (New-TestCache -Kind $Kind)
        $result = Invoke-FreshPwsh -Script @"
`$longKey = 'gpt-4o|Summarize|' + ('a long document ' * 65536)
Set-CachedResponse -Key `$longKey -Response 'summary' $cache
Set-CachedResponse -Key 'cached key' -Response 'x' $cache
'--- long key'
Remove-CachedResponse -Key `$longKey $cache -WhatIf
'--- cached key'
Remove-CachedResponse -Key 'cached key' $cache -WhatIf
'--- key not cached'
Remove-CachedResponse -Key 'never stored' $cache -WhatIf
'--- key hash prefix not cached'
Remove-CachedResponse -KeyHash $((Get-KeyHash 'never stored').Substring(0, 8)) $cache -WhatIf
'--- key hash prefix cached'
Remove-CachedResponse -KeyHash $((Get-KeyHash 'cached key').Substring(0, 8)) $cache -WhatIf
'--- control characters'
Remove-CachedResponse -Key "Summarize:``nline two``e[2J``e[31mred" $cache -WhatIf
'--- clear'
Clear-ResponseCache $cache -WhatIf
'--- clear expired'
Clear-ResponseCache $cache -Expired -WhatIf
'--- end'
"@
        $result.Errors | Should -BeNullOrEmpty
        $sections = @{}
        $section = $null
        foreach ($line in $result.Output) {
            if ($line -like '--- *') { $section = $line.Substring(4); $sections[$section] = '' }
            else { $sections[$section] += $line }
        }
    }

    It 'names a long key by its first characters, its length and its short hash, never whole' {
        $hash = (Get-KeyHash ('gpt-4o|Summarize|' + ('a long document ' * 65536))).Substring(0, 8)

        $sections['long key'] | Should -BeLike "*'gpt-4o|Summarize|a long document a long*' (1,048,593 characters, key $hash)*"
        $sections['long key'].Length | Should -BeLessThan 300
    }

    It 'says when a key is not cached' {
        $sections['key not cached'] | Should -BeLike "*'never stored' (key $((Get-KeyHash 'never stored').Substring(0, 8)))*not cached*"
        $sections['cached key'] | Should -Not -BeLike '*not cached*'
    }

    It 'says when no entry''s key hash starts with a -KeyHash prefix' {
        $sections['key hash prefix not cached'] | Should -BeLike "*key $((Get-KeyHash 'never stored').Substring(0, 8)) in *(not cached: nothing to remove)*"
        $sections['key hash prefix cached'] | Should -BeLike "*key $((Get-KeyHash 'cached key').Substring(0, 8)) in *"
        $sections['key hash prefix cached'] | Should -Not -BeLike '*not cached*'
    }

    It 'shows a key''s line breaks and escape characters as PowerShell writes them, never raw' {
        $sections['control characters'] | Should -Match ([regex]::Escape("'Summarize:``nline two``e[2J``e[31mred'"))
        $sections['control characters'] | Should -Not -Match '[\x00-\x1f]'
    }

    It 'says how many entries Clear-ResponseCache would remove' {
        $sections['clear'] | Should -BeLike '*Remove all cached responses (2 entries)*'
        $sections['clear expired'] | Should -BeLike '*older than 7 days or past their -ExpiresAfter) (0 entries)*'
    }
}

Describe 'Default views at 80 columns on <Name>' -ForEach (Get-TestBackend) {
    BeforeAll {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'first' -Response 'x' @cache
        Set-CachedResponse -Key 'second' -Response ('y' * 5000) @cache
        Set-CachedResponse -Key 'priced' -Response ('{"model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1234567,"output_tokens":7654321}}' | ConvertFrom-Json) -Tag 'summaries', 'v2' @cache
        Set-ResponseCacheConfiguration -Price @{ 'claude-sonnet-4-5-20250929' = @{ Input = 3; Output = 15 } } @cache
        1..12 | ForEach-Object { $null = Get-CachedResponse -Key 'priced' @cache }
    }

    It 'shows Get-CacheEntry as a table whose header and rows fit 80 columns' {
        $lines = @((Get-CacheEntry @cache | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^KeyHash\s+Model\s+InputTokens\s+OutputTokens\s+Hits\s+Expires\s+Tags$'
        $lines.Count | Should -Be 5
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match ('^' + (Get-KeyHash 'first').Substring(0, 8) + '\s+0 \d\d-\d\d \d\d:\d\d\s*$')
        $lines[4] | Should -Match ('^' + (Get-KeyHash 'priced').Substring(0, 8) + ' claude-sonnet-4\S* +1234567 +7654321 +12 \d\d-\d\d \d\d:\d\d summ')
    }

    It 'shows Get-CacheSavings as a table of the day, the model, the hits, the tokens and the cost that fits 80 columns' {
        $lines = @((Get-CacheSavings @cache | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^Date\s+Model\s+Hits\s+SavedInputTokens\s+SavedOutputTokens\s+SavedCost$'
        $lines.Count | Should -Be 3
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match '^\d{4}-\d\d-\d\d claude-sonnet-4\S* +12 +14814804 +91851852 +1422[.,]\d+$'
    }

    It 'shows one Get-CacheStats object as a list' {
        $lines = @((Get-CacheStats @cache | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines -match '^TotalEntries +: 3$' | Should -HaveCount 1
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'HelpUri' {
    It '<_.Name> sends Get-Help -Online to the project''s documentation' -ForEach $cmdlets {
        $_.HelpUri | Should -BeLike 'https://github.com/responsecache/ResponseCache/*'
    }
}
