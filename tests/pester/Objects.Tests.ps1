<#
    Responses that are PowerShell objects: they come back as ConvertFrom-Json would return the same JSON, .NET
    objects are stored as the about topic documents, -Depth is a limit rather than a silent cut, and -AsJson reads and
    writes the JSON text itself. What the cmdlets refuse, and with which error, is in BadInput.Tests.ps1.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'FeatureHelpers.psm1') -Force

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

Describe 'A response comes back as ConvertFrom-Json returns the same JSON' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'round-trips <Name> with the values and the types PowerShell''s own JSON round trip gives' -ForEach @(
        @{ Name = 'a string'; Make = { 'héllo "wörld" ✓' } }
        @{ Name = 'an int'; Make = { 42 } }
        @{ Name = 'a long'; Make = { 5000000000 } }
        @{ Name = 'a negative int'; Make = { -7 } }
        @{ Name = 'a double'; Make = { 2.5 } }
        @{ Name = 'a whole double'; Make = { 3.0 } }
        @{ Name = 'a bool'; Make = { $true } }
        @{ Name = 'a false bool, which is a hit and not a miss'; Make = { $false } }
        @{ Name = 'an array'; Make = { , @('a', 1, 2.5, $false, $null) } }
        @{ Name = 'a hashtable'; Make = { @{ answer = 'yes'; tokens = 12 } } }
        @{ Name = 'an ordered dictionary'; Make = { [ordered]@{ z = 1; a = 'two'; m = @(3, 4) } } }
        @{ Name = 'a PSCustomObject'; Make = { [pscustomobject]@{ name = 'x'; count = 1; ratio = 0.25 } } }
        @{ Name = 'a nested graph'; Make = {
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
        Set-CachedResponse -Key 'value' -Response $value -Path $cache -ErrorAction Stop

        $cached = Get-CachedResponse -Key 'value' -NoEnumerate -Path $cache
        $expected = ConvertTo-PowerShellRoundTrip $value

        Get-TypeShape $cached | Should -BeExactly (Get-TypeShape $expected)
        ConvertTo-CompactJson $cached | Should -BeExactly (ConvertTo-CompactJson $expected)
    }

    It 'returns an array as its items, one by one in the pipeline, and with -NoEnumerate as one array' {
        Set-CachedResponse -Key 'array' -Response @('first', 2, $false) -Path $cache

        $items = @(Get-CachedResponse -Key 'array' -Path $cache)
        $whole = @(Get-CachedResponse -Key 'array' -NoEnumerate -Path $cache)

        $items.Count | Should -Be 3
        $items[0] | Should -BeExactly 'first'
        $items[1] | Should -Be 2
        $items[2] | Should -BeFalse
        $whole.Count | Should -Be 1
        , $whole[0] | Should -BeOfType [object[]]
        $whole[0] | Should -Be @('first', 2, $false)
    }

    It 'returns a dictionary or a PSCustomObject as a PSCustomObject, whose properties read like the original keys' {
        Set-CachedResponse -Key 'dictionary' -Response ([ordered]@{ model = 'gpt'; usage = @{ prompt = 7 } }) -Path $cache

        $cached = Get-CachedResponse -Key 'dictionary' -Path $cache

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
        Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'python'; Json = $json; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now }) | Out-Null

        $cached = Get-CachedResponse -Key 'python' -Path $cache
        $expected = $json | ConvertFrom-Json

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.choices[0].message.content | Should -BeExactly 'Grüße ✓'
        Get-TypeShape $cached | Should -BeExactly (Get-TypeShape $expected)
        ConvertTo-CompactJson $cached | Should -BeExactly (ConvertTo-CompactJson $expected)
    }

    It 'returns a hand-written JSON string response, the Python scripts'' usual answer, as a [string]' {
        Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'python text'; Json = '"The answer is 42.\nLine two."'; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now }) | Out-Null

        $cached = Get-CachedResponse -Key 'python text' -Path $cache

        $cached | Should -BeOfType [string]
        $cached | Should -BeExactly "The answer is 42.`nLine two."
    }
}

Describe '.NET objects are stored as the about topic documents' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'stores a [datetime] as ISO 8601 round-trip text and gives back the same [datetime]' {
        $date = [datetime]::new(2024, 2, 29, 13, 45, 30).AddTicks(1234567)
        Set-CachedResponse -Key 'date' -Response $date -Path $cache

        $cached = Get-CachedResponse -Key 'date' -Path $cache

        Get-CachedResponse -Key 'date' -Path $cache -AsJson | Should -BeExactly '"2024-02-29T13:45:30.1234567"'
        $cached | Should -BeOfType [datetime]
        $cached | Should -Be $date
    }

    It 'stores a [datetimeoffset] as ISO 8601 text with its offset, and gives back the same instant' {
        $moment = [DateTimeOffset]::new(2024, 2, 29, 13, 45, 30, [TimeSpan]::FromHours(-5))
        Set-CachedResponse -Key 'offset' -Response $moment -Path $cache

        $cached = Get-CachedResponse -Key 'offset' -Path $cache

        Get-CachedResponse -Key 'offset' -Path $cache -AsJson | Should -BeExactly '"2024-02-29T13:45:30.0000000-05:00"'
        $cached.ToUniversalTime() | Should -Be $moment.UtcDateTime
    }

    It 'stores an enum as its number' {
        Set-CachedResponse -Key 'enum' -Response ([DayOfWeek]::Friday) -Path $cache

        Get-CachedResponse -Key 'enum' -AsJson -Path $cache | Should -BeExactly '5'
        Get-CachedResponse -Key 'enum' -Path $cache | Should -Be 5
    }

    It 'stores a <Type> as its text' -ForEach @(
        @{ Type = '[uri]'; Make = { [uri]'https://example.com/v1/chat?model=gpt&n=2' }; Text = 'https://example.com/v1/chat?model=gpt&n=2' }
        @{ Type = '[guid]'; Make = { [guid]'0f8fad5b-d9cb-469f-a165-70867728950e' }; Text = '0f8fad5b-d9cb-469f-a165-70867728950e' }
        @{ Type = '[version]'; Make = { [version]'1.2.3.4' }; Text = '1.2.3.4' }
        @{ Type = '[timespan]'; Make = { [timespan]'1.02:03:04' }; Text = '1.02:03:04' }
        @{ Type = '[char]'; Make = { [char]'x' }; Text = 'x' }
    ) {
        Set-CachedResponse -Key 'text' -Response (& $Make) -Path $cache

        $cached = Get-CachedResponse -Key 'text' -Path $cache

        $cached | Should -BeOfType [string]
        $cached | Should -BeExactly $Text
    }

    It 'stores any other object as an object of its properties' {
        $pair = [Collections.Generic.KeyValuePair[string, datetime]]::new('released', [datetime]::new(2020, 1, 2))
        Set-CachedResponse -Key 'pair' -Response $pair -Path $cache

        $cached = Get-CachedResponse -Key 'pair' -Path $cache

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.Key | Should -BeExactly 'released'
        $cached.Value | Should -Be ([datetime]::new(2020, 1, 2))
    }

    It 'caches the Select-Object projection of a file the about topic recommends, with its dates' {
        $file = New-Item -Path (Join-Path $TestDrive "$([guid]::NewGuid()).txt") -ItemType File -Value 'twelve bytes'
        Set-CachedResponse -Key 'file' -Response ($file | Select-Object Name, Length, LastWriteTime) -Path $cache

        $cached = Get-CachedResponse -Key 'file' -Path $cache

        $cached.Name | Should -BeExactly $file.Name
        $cached.Length | Should -Be 12
        $cached.LastWriteTime | Should -Be $file.LastWriteTime
    }

    It 'refuses a whole FileInfo, whose properties never end, with an error instead of a cut-off copy' {
        $file = New-Item -Path (Join-Path $TestDrive "$([guid]::NewGuid()).txt") -ItemType File -Value 'data'

        Set-CachedResponse -Key 'file' -Response ([IO.FileInfo]::new($file.FullName)) -Path $cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooDeep,*'
        Get-CachedResponse -Key 'file' -Path $cache | Should -BeNullOrEmpty
    }
}

Describe 'Nesting and shared values' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'stores a graph exactly -Depth levels deep whole' {
        Set-CachedResponse -Key 'deep' -Response (New-NestedValue 5) -Depth 5 -Path $cache -ErrorAction Stop

        (Get-CachedResponse -Key 'deep' -Path $cache).next.next.next.next.leaf | Should -Be 1
    }

    It 'refuses a graph deeper than the default depth of 64, and stores it whole with a larger -Depth' {
        $value = New-NestedValue 65

        Set-CachedResponse -Key 'deep' -Response $value -Path $cache -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooDeep,*'
        Get-CachedResponse -Key 'deep' -Path $cache | Should -BeNullOrEmpty

        Set-CachedResponse -Key 'deep' -Response $value -Depth 65 -Path $cache -ErrorAction Stop
        Get-CachedResponse -Key 'deep' -AsJson -Path $cache | Should -BeExactly (ConvertTo-Json -InputObject $value -Depth 100 -Compress)
    }

    It 'stores the same object twice side by side, which is not a cycle' {
        $shared = [pscustomobject]@{ n = 1 }

        Set-CachedResponse -Key 'shared' -Response @{ a = $shared; b = $shared } -Path $cache -ErrorAction Stop

        (Get-CachedResponse -Key 'shared' -Path $cache).b.n | Should -Be 1
    }
}

Describe '-AsJson' {
    BeforeEach {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'on Get returns the response as compact JSON text' {
        Set-CachedResponse -Key 'object' -Response ([ordered]@{ answer = 'yes'; scores = @(1, 2.5) }) -Path $cache

        $text = Get-CachedResponse -Key 'object' -AsJson -Path $cache

        $text | Should -BeOfType [string]
        $text | Should -BeExactly '{"answer":"yes","scores":[1,2.5]}'
    }

    It 'on Get returns a string response as a JSON string literal' {
        Set-CachedResponse -Key 'text' -Response 'say "hi"' -Path $cache

        Get-CachedResponse -Key 'text' -AsJson -Path $cache | Should -BeExactly '"say \"hi\""'
    }

    It 'on Get returns a hand-written, indented response as compact JSON text' {
        Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'python'; Json = "{`n  `"a`": [`n    1,`n    true`n  ]`n}"; CreatedAt = [DateTimeOffset]::Now; LastAccessed = [DateTimeOffset]::Now }) | Out-Null

        Get-CachedResponse -Key 'python' -AsJson -Path $cache | Should -BeExactly '{"a":[1,true]}'
    }

    It 'on Set stores the JSON value itself, not a string holding it' {
        Set-CachedResponse -Key 'raw' -Response ' {"model": "gpt", "choices": [{"text": "hi"}], "n": 2} ' -AsJson -Path $cache -ErrorAction Stop

        $cached = Get-CachedResponse -Key 'raw' -Path $cache

        $cached.GetType().FullName | Should -BeExactly 'System.Management.Automation.PSCustomObject'
        $cached.choices[0].text | Should -BeExactly 'hi'
        Get-CachedResponse -Key 'raw' -AsJson -Path $cache | Should -BeExactly '{"model":"gpt","choices":[{"text":"hi"}],"n":2}'
    }

    It 'on Set stores JSON text nested 1,010 levels deep, within the 1,024 a response may have' {
        $deep = ('[' * 1010) + '1' + (']' * 1010)

        Set-CachedResponse -Key 'deep' -Response $deep -AsJson -Path $cache -ErrorAction Stop

        Get-CachedResponse -Key 'deep' -AsJson -Path $cache | Should -BeExactly $deep
    }

    It 'on Set stores the valid items of a pipeline and reports only the invalid one' {
        @(
            [pscustomobject]@{ Key = 'good'; Response = '[1, 2]' }
            [pscustomobject]@{ Key = 'bad'; Response = '[1, 2' }
        ) | Set-CachedResponse -AsJson -Path $cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure.Count | Should -Be 1
        $failure[0].TargetObject | Should -BeExactly 'bad'
        Get-CachedResponse -Key 'good' -AsJson -Path $cache | Should -BeExactly '[1,2]'
        Get-CachedResponse -Key 'bad' -Path $cache | Should -BeNullOrEmpty
    }
}
