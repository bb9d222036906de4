<#
    -CacheStatusVariable: every lookup can say what happened (Hit, Miss, Refreshed, Waited; Stored for a store), with
    the entry's key hash, creation time and age, and the cache's location, so a job can log or budget on it.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StandInApi.psm1') -Force
}

Describe '-CacheStatusVariable' {
    BeforeEach {
        $cache = New-TestCache -Kind Directory
        $location = (Get-CacheStats @cache).Location
        $api = $null
    }

    AfterEach {
        Stop-StandInApi $api
    }

    It 'says Miss, Stored and Hit for Get-CachedResponse and Set-CachedResponse, with the entry''s creation time and age' {
        $null = Get-CachedResponse -Key 'question' -CacheStatusVariable missed @cache
        Set-CachedResponse -Key 'question' -Response 'answer' -CacheStatusVariable stored @cache
        $null = Get-CachedResponse -Key 'question' -CacheStatusVariable hit @cache
        $entry = Get-CacheEntry -Key 'question' @cache

        $missed.Status | Should -Be 'Miss'
        $missed.Created | Should -BeNullOrEmpty
        $stored.Status | Should -Be 'Stored'
        $hit.Status | Should -Be 'Hit'
        $hit.Created | Should -Be $entry.Created
        $hit.Age | Should -BeOfType [timespan]
        $hit.Age | Should -BeGreaterOrEqual ([timespan]::Zero)
        "$hit" | Should -Be 'Hit'
        foreach ($status in $missed, $stored, $hit) {
            $status.KeyHash | Should -Be (Get-KeyHash 'question')
            $status.Location | Should -Be $location
        }
    }

    It 'says Miss, Hit and Refreshed for get-or-add' {
        $null = Get-CachedResponse -Request @{ q = 1 } -ScriptBlock { 'one' } -CacheStatusVariable first @cache
        $null = Get-CachedResponse -Request @{ q = 1 } -ScriptBlock { 'two' } -CacheStatusVariable second @cache
        $null = Get-CachedResponse -Request @{ q = 1 } -ScriptBlock { 'three' } -Force -CacheStatusVariable third @cache

        $first.Status, $second.Status, $third.Status | Should -Be 'Miss', 'Hit', 'Refreshed'
        $first.KeyHash | Should -Be (Get-KeyHash '{"q":1}')
    }

    It 'says Miss, Hit and Refreshed for Invoke-CachedRestMethod, naming the entry Get-CacheEntry lists' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        $null = Invoke-CachedRestMethod -Uri $api.Uri -CacheStatusVariable first @cache
        $null = Invoke-CachedRestMethod -Uri $api.Uri -CacheStatusVariable second @cache
        $null = Invoke-CachedRestMethod -Uri $api.Uri -Force -CacheStatusVariable third @cache

        $first.Status, $second.Status, $third.Status | Should -Be 'Miss', 'Hit', 'Refreshed'
        $second.KeyHash | Should -Be (Get-CacheEntry @cache).KeyHash
        $second.Location | Should -Be $location
        $api.Requests.Count | Should -Be 2
    }

    # Whether a caller is still waiting when the reply comes (Waited) or asks just after it was cached (Hit) is the
    # scheduler's choice; that a waiter says Waited is pinned in LookupOutcomeTests.
    It 'says Miss for the one caller that called the API, and Waited or Hit for the runspaces that did not' {
        $arrived = [Threading.CountdownEvent]::new(4)
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"answer":"shared"}'; Gate = $arrived }
        $module = Get-ModuleUnderTestPath
        $uri = $api.Uri

        $statuses = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $cache = $using:cache
            $arrived = $using:arrived
            $null = $arrived.Signal()
            $null = Invoke-CachedRestMethod -Uri $using:uri -CacheStatusVariable status @cache
            [string] $status.Status
        }

        $api.Requests.Count | Should -Be 1
        @($statuses | Where-Object { $_ -eq 'Miss' }).Count | Should -Be 1
        @($statuses | Where-Object { $_ -in 'Waited', 'Hit' }).Count | Should -Be 3
    }
}
