<#
    Responses that are PowerShell objects: they come back as ConvertFrom-Json would return the same JSON, .NET
    objects are stored as the about topic documents, -Depth is a limit rather than a silent cut, and -AsJson reads and
    writes the JSON text itself, on every backend (hand-written entries reach a namespace through Copy-ResponseCache,
    as a cache the Python reference wrote would). What the cmdlets refuse, and with which error, is in BadInput.Tests.ps1.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    # What PowerShell itself gives back for a value written with ConvertTo-Json and read with ConvertFrom-Json.
    function ConvertTo-PowerShellRoundTrip($Value) {
        ConvertTo-Json -InputObject $Value -Depth 20 -Compress | ConvertFrom-Json -NoEnumerate
    }

    function ConvertTo-CompactJson($Value) {
        ConvertTo-Json -InputObject $Value -Depth 20 -Compress
    }

    # A chain of hashtables $Levels deep: @{ next = @{ next = ... @{ leaf = 1 } } }.
    function New-NestedValue([int] $Levels) {
        $value = @{ leaf = 1 }
        for ($i = 1; $i -lt $Levels; $i++) { $value = @{ next = $value } }
        $value
    }
}

Describe 'A response comes back as ConvertFrom-Json returns the same JSON on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'round-trips <What> with the values and the types PowerShell''s own JSON round trip gives' -ForEach @(
        @{ What = 'a string'; Make = { 'héllo "wörld" ✓' } }
        @{ What = 'an int'; Make = { 42 } }
        @{ What = 'a long'; Make = { 5000000000 } }
        @{ What = 'a negative int'; Make = { -7 } }
        @{ What = 'a double'; Make = { 2.5 } }
        @{ What = 'a whole double'; Make = { 3.0 } }
        @{ What = 'a bool'; Make = { $true } }
        @{ What = 'a false bool, which is a hit and not a miss'; Make = { $false } }
        @{ What = 'an array'; Make = { , @('a', 1, 2.5, $false, $null) } }
        @{ What = 'a hashtable'; Make = { @{ answer = 'yes'; tokens = 12 } } }
        @{ What = 'an ordered dictionary'; Make = { [ordered]@{ z = 1; a = 'two'; m = @(3, 4) } } }
        @{ What = 'a PSCustomObject'; Make = { [pscustomobject]@{ name = 'x'; count = 1; ratio = 0.25 } } }
        @{ What = 'a PSCustomObject with $null and $false values'; Make = { [pscustomobject]@{ name = 'x'; none = $null; ok = $false } } }
        @{ What = 'a multi-line string'; Make = { "line one`nline two ✓`ttab" } }
        @{ What = 'a nested graph'; Make = {
                [ordered]@{
                    id      = 'chatcmpl-1'
                    choices = @([pscustomobject]@{ index = 0; message = [ordered]@{ role = 'assistant'; content = 'Hi' } })
                    usage   = @{ total_tokens = 12 }
                    matrix  = @(@(1, 2), @(3.5, $null))
                    empty   = [ordered]@{}
                }
            }
        }
    ) {
        $value = & $Make
        Set-CachedResponse -Key 'value' -Response $value @cache -ErrorAction Stop

        $cached = Get-CachedResponse -Key 'value' -NoEnumerate @cache
        $expected = ConvertTo-PowerShellRoundTrip $value

        Get-TypeShape $cached | Should -BeExactly (Get-TypeShape $expected)
        ConvertTo-CompactJson $cached | Should -BeExactly (ConvertTo-CompactJson $expected)
    }

    It 'returns an array as its items, one by one in the pipeline, and with -NoEnumerate as one array' {
        Set-CachedResponse -Key 'array' -Response @('first', 2, $false) @cache

        $items = @(Get-CachedResponse -Key 'array' @cache)
        $whole = @(Get-CachedResponse -Key 'array' -NoEnumerate @cache)

        $items.Count | Should -Be 3
        $items[0] | Should -BeExactly 'first'
        $items[1] | Should -Be 2
        $items[2] | Should -BeFalse
        $whole.Count | Should -Be 1
        , $whole[0] | Should -BeOfType [object[]]
        $whole[0] | Should -Be @('first', 2, $false)
    }

    It 'returns a dictionary or a PSCustomObject as a PSCustomObject, whose properties read like the original keys' {
        Set-CachedResponse -Key 'dictionary' -Response ([ordered]@{ model = 'gpt'; usage = @{ prompt = 7 } }) @cache

        $cached = Get-CachedResponse -Key 'dictionary' @cache

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.usage.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.PSObject.Properties.Name | Should -Be @('model', 'usage')
        $cached.usage.prompt | Should -Be 7
    }

    It 'returns a hand-written JSON object, indented as the Python reference writes it, as ConvertFrom-Json reads that text' {
        $json = @'
{
  "id": "chatcmpl-9",
  "choices": [
    {
      "message": {
        "role": "assistant",
        "content": "Grüße ✓"
      },
      "logprobs": null
    }
  ],
  "usage": {
    "total_tokens": 12,
    "cost": 0.0031
  },
  "cached": false
}
'@
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'python'; Json = $json; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now })

        $cached = Get-CachedResponse -Key 'python' @cache
        $expected = $json | ConvertFrom-Json

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.choices[0].message.content | Should -BeExactly 'Grüße ✓'
        Get-TypeShape $cached | Should -BeExactly (Get-TypeShape $expected)
        ConvertTo-CompactJson $cached | Should -BeExactly (ConvertTo-CompactJson $expected)
    }

    It 'returns a hand-written JSON string response, the Python scripts'' usual answer, as a [string]' {
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'python text'; Json = '"The answer is 42.\nLine two."'; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now })

        $cached = Get-CachedResponse -Key 'python text' @cache

        $cached | Should -BeOfType [string]
        $cached | Should -BeExactly "The answer is 42.`nLine two."
    }
}

Describe '.NET objects are stored as the about topic documents on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'stores a [datetime] as ISO 8601 round-trip text and gives back the same [datetime]' {
        $date = [datetime]::new(2024, 2, 29, 13, 45, 30).AddTicks(1234567)
        Set-CachedResponse -Key 'date' -Response $date @cache

        $cached = Get-CachedResponse -Key 'date' @cache

        Get-CachedResponse -Key 'date' @cache -AsJson | Should -BeExactly '"2024-02-29T13:45:30.1234567"'
        $cached | Should -BeOfType [datetime]
        $cached | Should -Be $date
    }

    It 'stores a [datetimeoffset] as ISO 8601 text with its offset, and gives back the same instant' {
        $moment = [DateTimeOffset]::new(2024, 2, 29, 13, 45, 30, [TimeSpan]::FromHours(-5))
        Set-CachedResponse -Key 'offset' -Response $moment @cache

        $cached = Get-CachedResponse -Key 'offset' @cache

        Get-CachedResponse -Key 'offset' @cache -AsJson | Should -BeExactly '"2024-02-29T13:45:30.0000000-05:00"'
        $cached.ToUniversalTime() | Should -Be $moment.UtcDateTime
    }

    It 'stores an enum as its number' {
        Set-CachedResponse -Key 'enum' -Response ([DayOfWeek]::Friday) @cache

        Get-CachedResponse -Key 'enum' -AsJson @cache | Should -BeExactly '5'
        Get-CachedResponse -Key 'enum' @cache | Should -Be 5
    }

    It 'stores a <Type> as its text' -ForEach @(
        @{ Type = '[uri]'; Make = { [uri]'https://example.com/v1/chat?model=gpt&n=2' }; Text = 'https://example.com/v1/chat?model=gpt&n=2' }
        @{ Type = '[guid]'; Make = { [guid]'0f8fad5b-d9cb-469f-a165-70867728950e' }; Text = '0f8fad5b-d9cb-469f-a165-70867728950e' }
        @{ Type = '[version]'; Make = { [version]'1.2.3.4' }; Text = '1.2.3.4' }
        @{ Type = '[timespan]'; Make = { [timespan]'1.02:03:04' }; Text = '1.02:03:04' }
        @{ Type = '[char]'; Make = { [char]'x' }; Text = 'x' }
    ) {
        Set-CachedResponse -Key 'text' -Response (& $Make) @cache

        $cached = Get-CachedResponse -Key 'text' @cache

        $cached | Should -BeOfType [string]
        $cached | Should -BeExactly $Text
    }

    It 'stores any other object as an object of its properties' {
        $pair = [Collections.Generic.KeyValuePair[string, datetime]]::new('released', [datetime]::new(2020, 1, 2))
        Set-CachedResponse -Key 'pair' -Response $pair @cache

        $cached = Get-CachedResponse -Key 'pair' @cache

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.Key | Should -BeExactly 'released'
        $cached.Value | Should -Be ([datetime]::new(2020, 1, 2))
    }

    It 'caches the Select-Object projection of a file the about topic recommends, with its dates' {
        $file = New-Item -Path (Join-Path $TestDrive "$([guid]::NewGuid()).txt") -ItemType File -Value 'twelve bytes'
        Set-CachedResponse -Key 'file' -Response ($file | Select-Object Name, Length, LastWriteTime) @cache

        $cached = Get-CachedResponse -Key 'file' @cache

        $cached.Name | Should -BeExactly $file.Name
        $cached.Length | Should -Be 12
        $cached.LastWriteTime | Should -Be $file.LastWriteTime
    }

    It 'refuses a whole FileInfo, whose properties never end, with an error instead of a cut-off copy' {
        $file = New-Item -Path (Join-Path $TestDrive "$([guid]::NewGuid()).txt") -ItemType File -Value 'data'

        Set-CachedResponse -Key 'file' -Response ([IO.FileInfo]::new($file.FullName)) @cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooDeep,*'
        Get-CachedResponse -Key 'file' @cache | Should -BeNullOrEmpty
    }
}

Describe 'Nesting and shared values on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'stores a graph exactly -Depth levels deep whole' {
        Set-CachedResponse -Key 'deep' -Response (New-NestedValue 5) -Depth 5 @cache -ErrorAction Stop

        (Get-CachedResponse -Key 'deep' @cache).next.next.next.next.leaf | Should -Be 1
    }

    It 'refuses a graph deeper than the default depth of 64, and stores it whole with a larger -Depth' {
        $value = New-NestedValue 65

        Set-CachedResponse -Key 'deep' -Response $value @cache -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooDeep,*'
        Get-CachedResponse -Key 'deep' @cache | Should -BeNullOrEmpty

        Set-CachedResponse -Key 'deep' -Response $value -Depth 65 @cache -ErrorAction Stop
        Get-CachedResponse -Key 'deep' -AsJson @cache | Should -BeExactly (ConvertTo-Json -InputObject $value -Depth 100 -Compress)
    }

    It 'stores the same object twice side by side, which is not a cycle' {
        $shared = [pscustomobject]@{ n = 1 }

        Set-CachedResponse -Key 'shared' -Response @{ a = $shared; b = $shared } @cache -ErrorAction Stop

        (Get-CachedResponse -Key 'shared' @cache).b.n | Should -Be 1
    }
}

Describe '-AsJson on <Name>' -ForEach (Get-TestBackend) {
    BeforeEach {
        $cache = New-TestCache -Kind $Kind
    }

    It 'on Get returns the response as compact JSON text' {
        Set-CachedResponse -Key 'object' -Response ([ordered]@{ answer = 'yes'; scores = @(1, 2.5) }) @cache

        $text = Get-CachedResponse -Key 'object' -AsJson @cache

        $text | Should -BeOfType [string]
        $text | Should -BeExactly '{"answer":"yes","scores":[1,2.5]}'
    }

    It 'on Get returns a string response as a JSON string literal' {
        Set-CachedResponse -Key 'text' -Response 'say "hi"' @cache

        Get-CachedResponse -Key 'text' -AsJson @cache | Should -BeExactly '"say \"hi\""'
    }

    It 'on Get returns a hand-written, indented response as compact JSON text' {
        Write-TestCacheEntry -Cache $cache -Entries @(
            @{ Key = 'python'; Json = "{`n  `"a`": [`n    1,`n    true`n  ]`n}"; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now })

        Get-CachedResponse -Key 'python' -AsJson @cache | Should -BeExactly '{"a":[1,true]}'
    }

    It 'on Set stores the JSON value itself, not a string holding it' {
        Set-CachedResponse -Key 'raw' -Response ' {"model": "gpt", "choices": [{"text": "hi"}], "n": 2} ' -AsJson @cache -ErrorAction Stop

        $cached = Get-CachedResponse -Key 'raw' @cache

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.choices[0].text | Should -BeExactly 'hi'
        Get-CachedResponse -Key 'raw' -AsJson @cache | Should -BeExactly '{"model":"gpt","choices":[{"text":"hi"}],"n":2}'
    }

    It 'on Set stores a <Api> reply piped in as JSON text, which comes back as ConvertFrom-Json reads it' -ForEach @(
            @{ Api = 'OpenAI chat completion'; Json = @'
{
  "id": "chatcmpl-AbC123",
  "object": "chat.completion",
  "created": 1733108400,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": { "role": "assistant", "content": "Bonjour ! \u00c7a va ? \ud83d\ude00", "refusal": null },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": { "prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29, "prompt_tokens_details": { "cached_tokens": 0 } },
  "system_fingerprint": "fp_831e067d82"
}
'@ }
            @{ Api = 'Ollama generate'; Json = @'
{"model":"llama3.2","created_at":"2026-12-02T03:24:38.123456789Z","response":"The sky is blue because of Rayleigh scattering.","done":true,"done_reason":"stop","context":[128006,9125,128007],"total_duration":5043500667,"load_duration":5025959,"prompt_eval_count":26,"eval_count":290,"eval_duration":4709213000}
'@ }
            @{ Api = 'Anthropic messages'; Json = @'
{
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5",
  "content": [ { "type": "text", "text": "Hi! My name is Claude." }, { "type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": { "location": "Paris", "unit": "celsius" } } ],
  "stop_reason": "end_turn",
  "stop_sequence": null,
  "usage": { "input_tokens": 2095, "output_tokens": 503, "cache_read_input_tokens": 0 }
}
'@ }
    ) {
        $Json | Set-CachedResponse -Key $Api -AsJson @cache -ErrorAction Stop

        $cached = Get-CachedResponse -Key $Api @cache
        $expected = $Json | ConvertFrom-Json

        $cached | Should -BeOfType [pscustomobject]
        Get-TypeShape $cached | Should -BeExactly (Get-TypeShape $expected)
        ConvertTo-CompactJson $cached | Should -BeExactly (ConvertTo-CompactJson $expected)
        ConvertTo-CompactJson (Get-CachedResponse -Key $Api -AsJson @cache | ConvertFrom-Json) | Should -BeExactly (ConvertTo-CompactJson $expected)
    }

    It 'on Set stores JSON text nested 100 levels deep, the most a response may have, and refuses 101 saying so' {
        $deep = ('[' * 100) + '1' + (']' * 100)

        Set-CachedResponse -Key 'deep' -Response $deep -AsJson @cache -ErrorAction Stop
        Set-CachedResponse -Key 'deeper' -Response "[$deep]" -AsJson @cache -ErrorVariable refused -ErrorAction SilentlyContinue

        Get-CachedResponse -Key 'deep' -AsJson @cache | Should -BeExactly $deep
        $refused.FullyQualifiedErrorId | Should -Be 'InvalidResponseJson,ResponseCache.Commands.SetCachedResponseCommand'
        $refused.Exception.Message | Should -BeLike '*more than 100 levels deep*'
        Get-CachedResponse -Key 'deeper' @cache | Should -BeNullOrEmpty
    }

    It 'on Set stores the valid items of a pipeline and reports only the invalid one' {
        @(
            [pscustomobject]@{ Key = 'good'; Response = '[1, 2]' }
            [pscustomobject]@{ Key = 'bad'; Response = '[1, 2' }
        ) | Set-CachedResponse -AsJson @cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure.Count | Should -Be 1
        $failure[0].TargetObject | Should -BeExactly 'bad'
        Get-CachedResponse -Key 'good' -AsJson @cache | Should -BeExactly '[1,2]'
        Get-CachedResponse -Key 'bad' @cache | Should -BeNullOrEmpty
    }
}
