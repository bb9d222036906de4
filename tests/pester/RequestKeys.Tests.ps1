<#
    -Request: the request itself is the key, by its canonical JSON (RFC 8785), so the same question is one entry
    however a script wrote it: a hashtable, an [ordered] dictionary in another order, a PSCustomObject or JSON text.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    $canonical = '{"messages":[{"content":"hi","role":"user"}],"model":"m","temperature":0.7}'
}

Describe '-Request' {
    BeforeEach {
        $cache = New-TestCache -Kind Directory
    }

    It 'keys a request by its canonical JSON, so a hashtable, [ordered] in another order, a PSCustomObject and JSON text are one entry' {
        Set-CachedResponse -Request @{ model = 'm'; temperature = 0.7; messages = @(@{ role = 'user'; content = 'hi' }) } -Response 'answer' @cache

        $ordered = [ordered]@{ temperature = 0.70; messages = @([ordered]@{ content = 'hi'; role = 'user' }); model = 'm' }
        $object = [pscustomobject]@{ messages = , [pscustomobject]@{ role = 'user'; content = 'hi' }; model = 'm'; temperature = 7e-1 }
        $text = "{ `"temperature`": 0.7,`n `"messages`": [ { `"role`": `"user`", `"content`": `"hi`" } ], `"model`": `"m`" }"
        foreach ($request in $ordered, $object, $text) {
            Get-CachedResponse -Request $request @cache | Should -BeExactly 'answer'
        }

        @(Get-CacheEntry @cache).KeyHash | Should -Be @(Get-KeyHash $canonical)
        Get-CachedResponse -Key $canonical @cache | Should -BeExactly 'answer'
    }

    It 'finds, lists and removes the entry by the request' {
        Set-CachedResponse -Request $canonical -Response 'answer' @cache
        Set-CachedResponse -Key 'other' -Response 'other' @cache

        (Get-CacheEntry -Request @{ model = 'm'; temperature = 0.7; messages = @(@{ role = 'user'; content = 'hi' }) } @cache).KeyHash |
            Should -Be (Get-KeyHash $canonical)
        Remove-CachedResponse -Request ([ordered]@{ temperature = 0.7; model = 'm'; messages = @(@{ content = 'hi'; role = 'user' }) }) -PassThru @cache |
            Should -Be 1
        @(Get-CacheEntry @cache).Count | Should -Be 1
    }

    It 'runs -ScriptBlock once for one request however it is written, and ForEach-Object''s $_ is the request inside it' {
        $script:runs = 0
        $first = @{ model = 'm'; prompt = 'p' } | ForEach-Object { Get-CachedResponse -Request $_ -ScriptBlock { $script:runs++; "answer to $($_.prompt)" } @cache }
        $second = Get-CachedResponse -Request '{"prompt":"p","model":"m"}' -ScriptBlock { $script:runs++; 'again' } @cache

        $first | Should -BeExactly 'answer to p'
        $second | Should -BeExactly 'answer to p'
        $script:runs | Should -Be 1
    }

    # A user trial: this set alone refused -Tag and -ExpiresAfter, with the binder's "Parameter set cannot be resolved".
    It 'tags a get-or-add by request and gives it a lifetime of its own, as the -Key get-or-add does' {
        $request = @{ model = 'm'; messages = @(@{ role = 'user'; content = 'hi' }) }

        Get-CachedResponse -Request $request -Tag 'release-2' -ExpiresAfter ([TimeSpan]::FromHours(1)) @cache -ScriptBlock { 'answer' } | Should -BeExactly 'answer'

        $entry = Get-CacheEntry -Request $request @cache
        $entry.Tags | Should -Be @('release-2')
        ($entry.Expires - $entry.Created).TotalHours | Should -BeLessOrEqual 1.01
    }

    It 'binds a piped record''s Request property by name, as -Key binds: Set-CachedResponse stores each record''s Response' {
        [pscustomobject]@{ Request = @{ q = 1 }; Response = 'one' }, [pscustomobject]@{ Request = '{"q":2}'; Response = 'two' } |
            Set-CachedResponse @cache

        Get-CachedResponse -Request '{"q":1}' @cache | Should -BeExactly 'one'
        Get-CachedResponse -Request @{ q = 2 } @cache | Should -BeExactly 'two'
    }

    It 'keys different requests apart: a 64-bit seed is kept whole, a member''s case counts' {
        Set-CachedResponse -Request @{ seed = 9007199254740993 } -Response 'odd seed' @cache
        Set-CachedResponse -Request '{"seed":9007199254740992}' -Response 'even seed' @cache

        Get-CachedResponse -Request @{ seed = 9007199254740993 } @cache | Should -BeExactly 'odd seed'
        Get-CachedResponse -Request '{"Seed":9007199254740993}' @cache | Should -BeNullOrEmpty
        @(Get-CacheEntry @cache).Count | Should -Be 2
    }

    It 'writes enums as their numbers and dates as ISO 8601 text, in any culture' {
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            Set-CachedResponse -Request @{ day = [DayOfWeek]::Friday; at = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); ratio = 0.5 } -Response 'typed' @cache
        }
        finally {
            [cultureinfo]::CurrentCulture = $culture
        }

        Get-CachedResponse -Key '{"at":"2026-01-02T03:04:05Z","day":5,"ratio":0.5}' @cache | Should -BeExactly 'typed'
    }

    # A user trial: ConvertFrom-Json turns ISO text into local [datetime] values, so the same request had another key
    # than its JSON text, and another on every host in another time zone.
    It 'keys a request read by ConvertFrom-Json as its JSON text, and the same in every time zone' {
        $json = '{"model":"m","since":"2024-01-01T00:00:00Z","until":"2024-01-01T10:00:00+02:00"}'
        $script = @"
Import-Module '$((Get-ModuleUnderTestPath) -replace "'", "''")'
Set-CachedResponse -Path '$($cache.Path -replace "'", "''")' -Request ('$json' | ConvertFrom-Json) -Response 'r'
(Get-CacheEntry -Path '$($cache.Path -replace "'", "''")' -Request ('$json' | ConvertFrom-Json)).KeyHash
"@
        $hashes = foreach ($zone in 'UTC', 'Europe/Berlin', 'America/New_York') {
            (Invoke-FreshPwsh -NoImport -Environment @{ TZ = $zone } -Script $script).Output | Select-Object -Last 1
        }

        $hashes | Should -HaveCount 3
        $hashes | ForEach-Object { "$_" | Should -Match '^[0-9a-f]{64}$' }
        @($hashes | Select-Object -Unique).Count | Should -Be 1
        Get-CachedResponse -Request '{"model":"m","since":"2024-01-01T00:00:00Z","until":"2024-01-01T08:00:00Z"}' @cache | Should -BeExactly 'r'
    }

    It 'refuses <What> as InvalidRequest, an argument error, and changes nothing' -ForEach @(
        @{ What = 'text that is not JSON'; Request = 'hello world' }
        @{ What = 'JSON text naming a member twice'; Request = '{"a":1,"a":2}' }
        @{ What = 'a scriptblock'; Request = { 'code' } }
        @{ What = 'a non-finite number'; Request = @{ temperature = [double]::NaN } }
        @{ What = 'a request that contains itself'; Request = $(
                $cyclic = @{ model = 'm' }
                $cyclic.self = $cyclic
                $cyclic) }
    ) {
        Set-CachedResponse -Key 'kept' -Response 'kept' @cache
        $errors = $null

        Set-CachedResponse -Request $Request -Response 'x' @cache -ErrorAction SilentlyContinue -ErrorVariable +errors
        Get-CachedResponse -Request $Request @cache -ErrorAction SilentlyContinue -ErrorVariable +errors | Should -BeNullOrEmpty
        Get-CachedResponse -Request $Request -ScriptBlock { 'never' } @cache -ErrorAction SilentlyContinue -ErrorVariable +errors | Should -BeNullOrEmpty
        Remove-CachedResponse -Request $Request @cache -ErrorAction SilentlyContinue -ErrorVariable +errors
        Get-CacheEntry -Request $Request @cache -ErrorAction SilentlyContinue -ErrorVariable +errors | Should -BeNullOrEmpty

        $errors.Count | Should -Be 5
        $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidRequest,ResponseCache.Commands.*' }
        $errors.CategoryInfo.Category | Should -Be (@('InvalidArgument') * 5)
        $errors[0].Exception.Message | Should -Not -BeNullOrEmpty
        (Get-CacheEntry @cache).KeyHash | Should -Be (Get-KeyHash 'kept')
    }

    It 'says text given as -Request must be JSON, and points plain text to -Key' {
        { Get-CachedResponse -Request 'hello world' @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,ResponseCache.Commands.GetCachedResponseCommand' -ExpectedMessage '*must be the JSON of a request*-Key*'
    }

    It 'is a parameter set of its own: -Request with -Key or -Model is refused by the binder' {
        { Get-CachedResponse -Request '{}' -Key 'k' @cache } | Should -Throw -ErrorId 'AmbiguousParameterSet,ResponseCache.Commands.GetCachedResponseCommand'
        { Set-CachedResponse -Request '{}' -Model 'm' -Prompt 'p' -Response 'x' @cache } | Should -Throw -ErrorId 'AmbiguousParameterSet,ResponseCache.Commands.SetCachedResponseCommand'
    }
}
