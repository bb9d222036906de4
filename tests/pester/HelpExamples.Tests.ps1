<#
    Every example in the cmdlets' help and in about_ResponseCache runs as written, in a fresh pwsh of its own, and
    prints the output it shows (HelpExamples.psm1 says what the world of an example is and what the comparison leaves
    out). A new example is covered without an edit here.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'HelpExamples.psm1') -Force
    $examples = foreach ($example in Get-HelpExample -ModuleDirectory (Split-Path (Get-ModuleUnderTestPath))) {
        $missing = Get-MissingCommand -Code $example.Code -Provided $ProvidedCommands
        @{ Example = $example; Name = $example.Name; Missing = $missing; Shows = $example.Shown.Count -gt 0 }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HelpExamples.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StandInApi.psm1') -Force

    # One body with the shape of each API the examples call: OpenAI (choices, data), Anthropic (content), Ollama
    # (response) and an exchange-rate service (rates).
    $reply = @{
        choices  = @(@{ message = @{ role = 'assistant'; content = 'A cached answer.' } })
        content  = @(@{ type = 'text'; text = 'A cached answer.' })
        response = ' A cached answer. '
        data     = @(@{ embedding = @(0.1, 0.2) })
        rates    = @{ USD = 1.08 }
    } | ConvertTo-Json -Depth 5
    $api = Start-StandInApi -Responses @{ Status = 200; Body = $reply }
    $apiUri = ([uri]$api.Uri).GetLeftPart([UriPartial]::Authority)

    # The examples' Redis user is 'jobs'; the default user keeps working without a password, as on a server that
    # only some clients authenticate to.
    $redisPassword = 'help-example-' + [guid]::NewGuid().ToString('N')
    $kind = if ((Get-TestRedisServerKind).Kind -contains 'Redis') { 'Redis' } else { 'Garnet' }
    $redis = Start-TestRedisServer -Kind $kind
    $null = Invoke-RawRedis -Server $redis -Command 'ACL', 'SETUSER', 'jobs', 'on', ">$redisPassword", '~*', '&*', '+@all'
}

AfterAll {
    Stop-StandInApi $api
    $redis | Stop-TestRedisServer
}

Describe 'Help example <Name>' -ForEach $examples {
    BeforeAll {
        if ($Missing.Count -eq 0) {
            # Each example finds the server as new, whatever the one before it stored there.
            $null = Invoke-RawRedis -Server $redis -Command 'FLUSHALL'
            # A short root, so paths in prompts fit an 80-column line as they would for a user.
            $root = Join-Path ([IO.Path]::GetTempPath()) ('rc-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
            $world = New-HelpExampleWorld -Root $root -ApiUri $apiUri -Redis $redis -RedisPassword $redisPassword
            $run = Invoke-HelpExample -Example $Example -World $world
        }
    }

    AfterAll {
        if ($Missing.Count -eq 0) { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction Ignore }
    }

    It 'fits an 80-column console as Get-Help shows it, every line of its code included' {
        $tooLong = @($Example.Code -split "`n" | Where-Object { $_.Length + $Example.Indent -gt 80 })

        $tooLong | Should -BeNullOrEmpty
    }

    It 'runs as written without an error' -Skip:($Missing.Count -gt 0) {
        $run.Errors | Should -BeNullOrEmpty -Because $run.Output
    }

    if ($Shows) {
        It 'prints the output it shows' -Skip:($Missing.Count -gt 0) {
            $printed = ConvertTo-ComparableText $run.Output

            foreach ($shown in $Example.Shown) {
                # A line of '...' stands for more rows like the ones above it.
                $pattern = (@(ConvertTo-ComparableText $shown) -split ' \.\.\.(?: |$)' | ForEach-Object { [regex]::Escape($_) }) -join '.*'
                $printed | Should -Match $pattern
            }
        }
    }
}
