BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Responses that are objects' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'returns a hashtable as the PSCustomObject ConvertFrom-Json would give' {
        $response = [ordered]@{ model = 'gpt'; tokens = 42; score = 0.5; done = $true; tags = @('a', 'b'); usage = [ordered]@{ prompt = 7 } }
        Set-CachedResponse -Key 'hashtable' -Response $response -Path $dir

        $cached = Get-CachedResponse -Key 'hashtable' -Path $dir

        $cached | Should -BeOfType [pscustomobject]
        $cached.usage | Should -BeOfType [pscustomobject]
        $cached.tags | Should -Be @('a', 'b')
        $cached.done | Should -BeOfType [bool]
        $cached.score | Should -BeOfType [double]
        $cached | ConvertTo-Json -Depth 5 -Compress | Should -BeExactly ($response | ConvertTo-Json -Depth 5 -Compress)
    }

    It 'round-trips a PSCustomObject with nested PSCustomObjects, such as ConvertFrom-Json output' {
        $json = '{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"Hi"}}],"usage":{"total_tokens":12}}'
        Set-CachedResponse -Key 'api reply' -Response ($json | ConvertFrom-Json) -Path $dir

        $cached = Get-CachedResponse -Key 'api reply' -Path $dir

        $cached.choices[0].message.content | Should -BeExactly 'Hi'
        $cached.usage.total_tokens | Should -Be 12
        $cached | ConvertTo-Json -Depth 5 -Compress | Should -BeExactly $json
    }

    It 'returns an array as its items, one by one in the pipeline' {
        Set-CachedResponse -Key 'array' -Response @('first', 2, $false) -Path $dir

        $items = @(Get-CachedResponse -Key 'array' -Path $dir)

        $items.Count | Should -Be 3
        $items[0] | Should -BeExactly 'first'
        $items[1] | Should -Be 2
        $items[2] | Should -BeFalse
    }

    It 'with -NoEnumerate returns an array as one object' {
        Set-CachedResponse -Key 'array' -Response @(1, 2, 3) -Path $dir

        $output = @(Get-CachedResponse -Key 'array' -NoEnumerate -Path $dir)

        $output.Count | Should -Be 1
        , $output[0] | Should -BeOfType [object[]]
        $output[0] | Should -Be @(1, 2, 3)
    }

    It 'round-trips numbers: integers, large integers and fractions' {
        Set-CachedResponse -Key 'int' -Response 42 -Path $dir
        Set-CachedResponse -Key 'long' -Response 3000000000 -Path $dir
        Set-CachedResponse -Key 'double' -Response 2.75 -Path $dir

        Get-CachedResponse -Key 'int' -Path $dir | Should -Be 42
        Get-CachedResponse -Key 'long' -Path $dir | Should -Be 3000000000
        Get-CachedResponse -Key 'double' -Path $dir | Should -Be 2.75
        Get-CachedResponse -Key 'double' -Path $dir | Should -BeOfType [double]
    }

    It 'returns a cached $false as one $false, not as a miss' {
        Set-CachedResponse -Key 'flag' -Response $false -Path $dir

        $output = @(Get-CachedResponse -Key 'flag' -Path $dir)

        $output.Count | Should -Be 1
        $output[0] | Should -BeOfType [bool]
        $output[0] | Should -BeFalse
    }

    It 'with -AsJson returns the response as JSON text' {
        Set-CachedResponse -Key 'json' -Response ([ordered]@{ answer = 'yes'; confidence = 1 }) -Path $dir

        $text = Get-CachedResponse -Key 'json' -AsJson -Path $dir

        $text | Should -BeOfType [string]
        ($text | ConvertFrom-Json).answer | Should -BeExactly 'yes'
        $text | Should -BeExactly '{"answer":"yes","confidence":1}'
    }

    It 'with -AsJson returns a string response as a JSON string literal' {
        Set-CachedResponse -Key 'text' -Response 'say "hi"' -Path $dir

        Get-CachedResponse -Key 'text' -AsJson -Path $dir | Should -BeExactly '"say \"hi\""'
    }
}
