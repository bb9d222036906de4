<#
    Set-CachedResponse fed by a pipeline: AI replies piped in whole, records of Key and Response, and a pipeline that
    stops early (an upstream error, Ctrl+C, a killed process) keeping the responses it had already received.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest

    # Replies shaped like the ones each API returns (Invoke-RestMethod gives them as PSCustomObjects).
    $script:Replies = @{
        OpenAI    = '{"id":"chatcmpl-9","object":"chat.completion","created":1733100000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}'
        Ollama    = '{"model":"llama3.2","created_at":"2024-12-02T10:00:00.123456Z","response":"Bonjour","done":true,"done_reason":"stop","context":[1,2,3],"total_duration":5043500667,"eval_count":290}'
        Anthropic = '{"id":"msg_01","type":"message","role":"assistant","model":"claude-3-5-sonnet","content":[{"type":"text","text":"Bonjour"}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":3}}'
    }
}

Describe 'Piping an AI reply into Set-CachedResponse -Key' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'stores the whole <_> reply, not one of its properties' -ForEach 'OpenAI', 'Ollama', 'Anthropic' {
        $reply = $Replies[$_] | ConvertFrom-Json

        $reply | Set-CachedResponse -Key "translate $_" -Path $dir

        $onDisk = (Read-CacheOnDisk $dir)[(Get-KeyHash "translate $_")]
        ($onDisk | ConvertTo-Json -Depth 10 -Compress) | Should -BeExactly ($Replies[$_] | ConvertFrom-Json -AsHashtable | ConvertTo-Json -Depth 10 -Compress)
    }

    It 'stores the whole reply with -Model and -Prompt on the command line' {
        $Replies.Ollama | ConvertFrom-Json | Set-CachedResponse -Model 'llama3.2' -Prompt 'translate' -Path $dir

        (Get-CachedResponse -Model 'llama3.2' -Prompt 'translate' -Path $dir).done_reason | Should -BeExactly 'stop'
    }

    It 'keeps storing records that carry Key and Response when no key is given' {
        @(
            [pscustomobject]@{ Key = 'a'; Response = [pscustomobject]@{ response = 'from a' } }
            [pscustomobject]@{ Key = 'b'; Response = 'plain b' }
        ) | Set-CachedResponse -Path $dir

        (Get-CachedResponse 'a' -Path $dir).response | Should -BeExactly 'from a'
        Get-CachedResponse 'b' -Path $dir | Should -BeExactly 'plain b'
    }

    It 'reports a record that has a Key but no Response, and stores the others' {
        @(
            [pscustomobject]@{ Key = 'has no response' }
            [pscustomobject]@{ Key = 'fine'; Response = 'ok' }
        ) | Set-CachedResponse -Path $dir -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'PipedResponseMissing,ResponseCache.Commands.SetCachedResponseCommand'
        Get-CachedResponse 'fine' -Path $dir | Should -BeExactly 'ok'
        Get-CachedResponse 'has no response' -Path $dir | Should -BeNullOrEmpty
    }

    # A user trial: Help's CSV example with a misspelled column stored $null, a "hit" that answered nothing for a TTL.
    It 'reports a record whose Response is $null, stores the others, and a get-or-add for that key still produces' {
        @(
            [pscustomobject]@{ Key = 'faq|Who?'; Response = $null }
            [pscustomobject]@{ Key = 'fine'; Response = 'ok' }
        ) | Set-CachedResponse -Path $dir -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'PipedResponseMissing,ResponseCache.Commands.SetCachedResponseCommand'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape('its Response is $null'))
        Get-CachedResponse 'fine' -Path $dir | Should -BeExactly 'ok'
        Get-CachedResponse 'faq|Who?' -Path $dir -ScriptBlock { 'fresh answer' } | Should -BeExactly 'fresh answer'
    }
}

# A user trial: a delay-bind key stored the whole pipeline, as one array, under the last item's key.
Describe 'Piping items into Set-CachedResponse with a key computed for each ({ ... })' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'stores each item whole under its own -Key, as Rename-Item -NewName { } names each item' {
        'alpha', 'beta', 'gamma' | Set-CachedResponse -Path $dir -Key { "s|$_" }

        foreach ($word in 'alpha', 'beta', 'gamma') {
            Get-CachedResponse -Path $dir -Key "s|$word" | Should -BeExactly $word
        }
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 3
    }

    It 'stores each object under the key its own properties give, -InputText { $_.Body } with -Model and -Prompt' {
        $tickets = 1..3 | ForEach-Object { [pscustomobject]@{ Id = $_; Body = "ticket $_" } }

        $tickets | Set-CachedResponse -Path $dir -Model 'm' -Prompt 'triage' -InputText { $_.Body }

        (Get-CachedResponse -Path $dir -Model 'm' -Prompt 'triage' -InputText 'ticket 2').Id | Should -Be 2
        (Get-CacheStats -Path $dir).TotalEntries | Should -Be 3
    }

    It 'still collects values piped with a key given once into one response' {
        'alpha', 'beta' | Set-CachedResponse -Path $dir -Key 'both'

        Get-CachedResponse -Path $dir -Key 'both' -AsJson | Should -BeExactly '["alpha","beta"]'
    }
}

Describe 'A pipeline into Set-CachedResponse that stops early' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'keeps the 899 responses received before an upstream error at item 900' {
        {
            1..1000 | ForEach-Object {
                if ($_ -eq 900) { throw 'the API failed at item 900' }
                [pscustomobject]@{ Key = "item $_"; Response = "answer $_" }
            } | Set-CachedResponse -Path $dir -MaxEntries 10000
        } | Should -Throw '*item 900*'

        (Read-CacheOnDisk $dir).Count | Should -Be 899
        Get-CachedResponse 'item 899' -Path $dir | Should -BeExactly 'answer 899'
    }

    It 'keeps what it received when the pipeline is stopped (Ctrl+C)' {
        $received = [Threading.ManualResetEventSlim]::new($false)
        $shell = New-TestShell
        $running = $null
        try {
            $null = $shell.AddScript({
                param($Directory, $Received)
                1..1000000 | ForEach-Object {
                    [pscustomobject]@{ Key = "item $_"; Response = "answer $_" }
                    # Item 500 has reached Set-CachedResponse; the producer now waits as a slow API would.
                    if ($_ -eq 500) { $Received.Set(); Start-Sleep -Seconds 600 }
                } | Set-CachedResponse -Path $Directory -MaxEntries 10000
            }).AddArgument($dir).AddArgument($received)
            $running = $shell.BeginInvoke()
            $received.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $shell.Stop()
            { $shell.EndInvoke($running) } | Should -Throw
        } finally {
            Close-TestShell $shell $running
        }

        (Read-CacheOnDisk $dir).Count | Should -Be 500
    }

    It 'has written every full batch when the process is killed outright' {
        $process = Start-FreshPwsh -Script @"
1..1000000 | ForEach-Object {
    [pscustomobject]@{ Key = "item `$_"; Response = "answer `$_" }
    if (`$_ -eq 4500) { [Console]::Out.WriteLine('received'); [Console]::Out.Flush(); `$null = [Console]::In.ReadLine() }
} | Set-CachedResponse -Path '$dir' -MaxEntries 10000
"@
        try {
            $process.StandardOutput.ReadLine() | Should -Be 'received'
        } finally {
            Stop-FreshPwsh $process
        }

        # Batches are written every 2000 items (or sooner, every 5 seconds): a kill loses at most the one in memory.
        (Read-CacheOnDisk $dir).Count | Should -BeGreaterThan (4500 - 2000)
    }
}
