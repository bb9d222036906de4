<#
    Tags and a lifetime of an entry's own, as a user gives them (-Tag, -ExpiresAfter on Set-CachedResponse and on
    get-or-add) and selects by them (Get-CacheEntry, Remove-CachedResponse and Clear-ResponseCache -Tag). The rules
    themselves (any of the tags, in any case; the earlier of lifetime and TTL) are proven once on the engine
    (CacheContract.Tags).
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Tags on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
        'summary 1', 'summary 2' | ForEach-Object { Set-CachedResponse -Key $_ -Response "answer to $_" -Tag 'template-v1', 'gpt-4o' @cache }
        $null = Get-CachedResponse -Key 'produced' -ScriptBlock { 'made' } -Tag 'Template-V1' @cache
        Set-CachedResponse -Key 'other template' -Response 'kept' -Tag 'template-v2' @cache
        Set-CachedResponse -Key 'untagged' -Response 'kept' @cache
    }

    It 'Get-CacheEntry shows each entry''s tags and -Tag lists only the entries with any of them, in any case' {
        (Get-CacheEntry -Key 'summary 1' @cache).Tags | Should -Be @('template-v1', 'gpt-4o')
        (Get-CacheEntry -Key 'untagged' @cache).Tags | Should -Be @()

        @(Get-CacheEntry -Tag 'TEMPLATE-v1' @cache).KeyHash | Sort-Object | Should -Be (@('summary 1', 'summary 2', 'produced' | ForEach-Object { Get-KeyHash $_ }) | Sort-Object)
        @(Get-CacheEntry -Tag 'template-v2', 'no such tag' @cache).KeyHash | Should -Be (Get-KeyHash 'other template')
    }

    It 'Remove-CachedResponse -Tag -WhatIf says how many entries it would remove, and removes none' {
        $whatIf = (Invoke-FreshPwsh -Script "Remove-CachedResponse -Tag 'template-v1' $(ConvertTo-CacheParameterText $cache) -WhatIf").Output -join ' '

        $whatIf | Should -Match "What if: .*entries tagged 'template-v1' .*\(3 entries\)"
        @(Get-CacheEntry @cache).Count | Should -Be 5
    }

    It 'Remove-CachedResponse -Tag removes exactly the tagged entries, for every process' {
        Remove-CachedResponse -Tag 'template-v1' @cache -PassThru | Should -Be 3

        $left = (Invoke-FreshPwsh -Script "(Get-CacheEntry $(ConvertTo-CacheParameterText $cache)).KeyHash").Output
        @($left) | Sort-Object | Should -Be (@('other template', 'untagged' | ForEach-Object { Get-KeyHash $_ }) | Sort-Object)
        Get-CachedResponse -Key 'summary 1' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'other template' @cache | Should -BeExactly 'kept'
    }

    It 'Clear-ResponseCache -Tag -WhatIf counts, and without it removes only the tagged entries' {
        $whatIf = (Invoke-FreshPwsh -Script "Clear-ResponseCache -Tag 'gpt-4o', 'template-v2' $(ConvertTo-CacheParameterText $cache) -WhatIf").Output -join ' '
        $whatIf | Should -Match "What if: .*tagged any of 'gpt-4o', 'template-v2' \(3 entries\)"

        Clear-ResponseCache -Tag 'gpt-4o', 'template-v2' @cache -PassThru | Should -Be 3

        @(Get-CacheEntry @cache).KeyHash | Sort-Object | Should -Be (@('produced', 'untagged' | ForEach-Object { Get-KeyHash $_ }) | Sort-Object)
    }

    It 'Copy-ResponseCache copies the tags, so the copy is removed by them too' {
        $destination = New-TestCache -Kind $Kind
        $to = ConvertTo-DestinationSplat $destination
        Copy-ResponseCache @cache @to

        (Get-CacheEntry -Key 'summary 2' @destination).Tags | Should -Be @('template-v1', 'gpt-4o')
        Remove-CachedResponse -Tag 'gpt-4o' @destination -PassThru | Should -Be 2
    }

    It 'refuses a blank tag or one with a line break at binding, and stores nothing' -ForEach @(
        @{ Tag = ' ' }
        @{ Tag = "two`nlines" }
    ) {
        { Set-CachedResponse -Key 'refused' -Response 'x' -Tag $Tag @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetCachedResponseCommand'
        Get-CachedResponse -Key 'refused' @cache | Should -BeNullOrEmpty
    }
}

Describe 'A lifetime of an entry''s own on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'Set-CachedResponse -ExpiresAfter shows the lifetime''s end as Expires, before the cache''s TTL' {
        $before = Get-Date
        Set-CachedResponse -Key 'volatile' -Response 'soon stale' -ExpiresAfter (New-TimeSpan -Hours 1) @cache
        Set-CachedResponse -Key 'stable' -Response 'kept' @cache

        $expires = (Get-CacheEntry -Key 'volatile' @cache).Expires
        $expires | Should -BeGreaterOrEqual $before.AddHours(1).AddSeconds(-1)
        $expires | Should -BeLessOrEqual (Get-Date).AddHours(1).AddSeconds(1)
        (Get-CacheEntry -Key 'stable' @cache).Expires | Should -BeGreaterThan $before.AddDays(6)
        Get-CachedResponse -Key 'volatile' @cache | Should -BeExactly 'soon stale'
    }

    # A lifetime of one tick has ended by the next call: expiry without waiting for it.
    It 'an entry whose lifetime has ended is a miss and expired, while the cache''s TTL keeps the others' {
        Set-CachedResponse -Key 'volatile' -Response 'stale' -ExpiresAfter ([TimeSpan]::FromTicks(1)) @cache
        $null = Get-CachedResponse -Key 'volatile produced' -ScriptBlock { 'stale' } -ExpiresAfter ([TimeSpan]::FromTicks(1)) @cache
        Set-CachedResponse -Key 'stable' -Response 'kept' @cache

        Get-CachedResponse -Key 'volatile' @cache | Should -BeNullOrEmpty
        Get-CachedResponse -Key 'volatile produced' -ScriptBlock { 'made again' } @cache | Should -BeExactly 'made again'
        Get-CachedResponse -Key 'stable' @cache | Should -BeExactly 'kept'
    }

    It 'refuses a lifetime of zero at binding, and stores nothing' {
        { Set-CachedResponse -Key 'refused' -Response 'x' -ExpiresAfter ([TimeSpan]::Zero) @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetCachedResponseCommand'
        Get-CachedResponse -Key 'refused' @cache | Should -BeNullOrEmpty
    }
}
