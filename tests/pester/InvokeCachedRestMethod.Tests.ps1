<#
    Invoke-CachedRestMethod against a local stand-in API: the reply of a hit is what Invoke-RestMethod gave, the key is
    the request however it was written and never its credentials, and an HTTP error is Invoke-RestMethod's own.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StandInApi.psm1') -Force

    # Every value of a reply with its type, so two replies compare by what a script would see.
    function Get-ReplyShape($Value, [string] $At = '$') {
        if ($null -eq $Value) { return "$At = null" }
        if ($Value -is [xml]) { return "$At [xml] $($Value.OuterXml)" }
        if ($Value -is [array]) {
            "$At [array $($Value.Count)]"
            for ($i = 0; $i -lt $Value.Count; $i++) { Get-ReplyShape $Value[$i] "$At[$i]" }
            return
        }
        if ($Value -is [pscustomobject]) {
            foreach ($property in $Value.PSObject.Properties) { Get-ReplyShape $property.Value "$At.$($property.Name)" }
            return
        }
        "$At [$($Value.GetType().FullName)] $Value"
    }

    # What a pipeline of the command's output gives: how many objects, and each one's shape.
    function Get-OutputShape([scriptblock] $Command) {
        $items = [Collections.Generic.List[object]]::new()
        & $Command | ForEach-Object { $items.Add($_) }
        "$($items.Count) object(s)"
        foreach ($item in $items) { Get-ReplyShape $item }
    }

    $openAi = '{"id":"chatcmpl-1","object":"chat.completion","created":1733222400,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0}},"system_fingerprint":"fp_1"}'
    $anthropic = '{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi there"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":3}}'
    $ollama = '{"model":"llama3.2","created_at":"2024-12-03T10:00:00.123456Z","message":{"role":"assistant","content":"Hey"},"done":true,"total_duration":4935886791,"eval_count":3,"temperature":0.7}'
}

Describe 'Invoke-CachedRestMethod' {
    BeforeEach {
        $cache = New-TestCache -Kind Directory
        $api = $null
    }

    AfterEach {
        Stop-StandInApi $api
    }

    It 'gives on a miss and on a hit exactly what Invoke-RestMethod gives for <Name>' -ForEach @(
        @{ Name = 'an OpenAI chat completion'; Reply = @{ Status = 200; Body = $openAi } }
        @{ Name = 'an Anthropic message'; Reply = @{ Status = 200; Body = $anthropic } }
        @{ Name = 'an Ollama chat reply (with a date)'; Reply = @{ Status = 200; Body = $ollama } }
        @{ Name = 'a JSON array (one array, not its items)'; Reply = @{ Status = 200; Body = '[{"embedding":[0.1,-2.5e-3,3]},{"embedding":[1,2]}]' } }
        @{ Name = 'a JSON array of one item'; Reply = @{ Status = 200; Body = '[{"id":1}]' } }
        @{ Name = 'a text reply'; Reply = @{ Status = 200; Body = "plain text`nanswer"; ContentType = 'text/plain; charset=utf-8' } }
        @{ Name = 'an XML reply'; Reply = @{ Status = 200; Body = '<?xml version="1.0"?><answer lang="en"><text>forty-two</text></answer>'; ContentType = 'application/xml' } }
    ) {
        $api = Start-StandInApi -Responses $Reply
        $body = '{"model":"m","messages":[{"role":"user","content":"hi"}]}'

        $direct = Get-OutputShape { Invoke-RestMethod -Uri $api.Uri -Method Post -Body $body -ContentType 'application/json' }
        $miss = Get-OutputShape { Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body $body -ContentType 'application/json' @cache }
        $hit = Get-OutputShape { Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body $body -ContentType 'application/json' @cache }

        $miss | Should -Be $direct
        $hit | Should -Be $direct
        $api.Requests.Count | Should -Be 2
    }

    It 'makes one upstream call for two requests whose bodies differ only in member order and whose Authorization headers differ' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = $openAi }, @{ Status = 200; Body = '{"second":"call"}' }

        $first = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -ContentType 'application/json' @cache `
            -Headers @{ Authorization = 'Bearer sk-first-secret' } -Body '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0.2}'
        $second = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -ContentType 'application/json' @cache `
            -Headers @{ Authorization = 'Bearer sk-rotated-secret' } -Body (@{ temperature = 0.2; messages = @(@{ content = 'hi'; role = 'user' }); model = 'gpt-4o-mini' } | ConvertTo-Json -Depth 5)

        $api.Requests.Count | Should -Be 1
        $second.choices[0].message.content | Should -BeExactly 'Hello!'
        $second.id | Should -BeExactly $first.id
    }

    It 'passes the request to Invoke-RestMethod unchanged on a miss: method, body, content type, headers and credentials' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }
        $token = ConvertTo-SecureString 'sk-token-secret' -AsPlainText -Force

        $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Put -Body '{ "b" : 1, "a" : 2 }' -ContentType 'application/json; charset=utf-8' `
            -Headers @{ 'X-Trace' = 'trace-1'; 'anthropic-version' = '2023-06-01' } -Authentication Bearer -Token $token -AllowUnencryptedAuthentication `
            -UserAgent 'rc-test' -TimeoutSec 30 @cache

        $api.Requests.Last.Method | Should -BeExactly 'PUT'
        $api.Requests.Last.Body | Should -BeExactly '{ "b" : 1, "a" : 2 }'
        $api.Requests.Last.Headers['Content-Type'] | Should -BeExactly 'application/json; charset=utf-8'
        $api.Requests.Last.Headers['X-Trace'] | Should -BeExactly 'trace-1'
        $api.Requests.Last.Headers['anthropic-version'] | Should -BeExactly '2023-06-01'
        $api.Requests.Last.Headers['Authorization'] | Should -BeExactly 'Bearer sk-token-secret'
        $api.Requests.Last.Headers['User-Agent'] | Should -BeExactly 'rc-test'
    }

    It 'writes no credential to the cache: no header, token, or key= query parameter' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }
        $token = ConvertTo-SecureString 'sk-token-secret' -AsPlainText -Force

        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?key=query-secret&alt=json" -Method Post -Body '{"q":1}' @cache `
            -Headers @{ 'x-api-key' = 'header-secret'; Cookie = 'session=cookie-secret' } -Authentication Bearer -Token $token -AllowUnencryptedAuthentication
        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?alt=json&key=rotated-query-secret" -Method Post -Body '{"q":1}' @cache

        $api.Requests.Count | Should -Be 1
        $written = Get-ChildItem -LiteralPath $cache.Path -Recurse -File | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }
        $written | Should -Not -BeNullOrEmpty
        ($written -join "`n") | Should -Not -Match 'secret'
    }

    It 'keys requests apart by method, query, body and the headers that change the answer' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?b=2&a=1" -Method Post -Body '{"q":1}' @cache
        $null = Invoke-CachedRestMethod -Uri ("$($api.Uri)?a=1&b=2" -replace '^http://', 'HTTP://') -Method Post -Body '{ "q" : 1.0 }' @cache
        $api.Requests.Count | Should -Be 1

        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?a=1&b=2" -Method Put -Body '{"q":1}' @cache
        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?a=1&b=3" -Method Post -Body '{"q":1}' @cache
        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?a=1&b=2" -Method Post -Body '{"q":2}' @cache
        $null = Invoke-CachedRestMethod -Uri "$($api.Uri)?a=1&b=2" -Method Post -Body '{"q":1}' -Headers @{ 'anthropic-version' = '2023-06-01' } @cache
        $api.Requests.Count | Should -Be 5
    }

    It 'tags the reply''s entry with -Tag: Get-CacheEntry -Tag lists it and Remove-CachedResponse -Tag removes it' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = $openAi }, @{ Status = 200; Body = '{"second":"call"}' }
        $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"tagged"}' -Tag 'chat-v1', 'gpt-4o-mini' @cache
        $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"untagged"}' @cache

        $tagged = @(Get-CacheEntry -Tag 'CHAT-v1' @cache)
        $tagged.Count | Should -Be 1
        $tagged[0].Tags | Should -Be @('chat-v1', 'gpt-4o-mini')

        Remove-CachedResponse -Tag 'chat-v1' @cache -PassThru | Should -Be 1
        @(Get-CacheEntry @cache).Count | Should -Be 1
        (Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"tagged"}' @cache).second | Should -BeExactly 'call'
        $api.Requests.Count | Should -Be 3
    }

    # A lifetime of one tick has ended by the next call: expiry without waiting for it.
    It 'calls the API again once the -ExpiresAfter lifetime of the reply''s entry has ended, though the TTL has not' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"call":1}' }, @{ Status = 200; Body = '{"call":2}' }, @{ Status = 200; Body = '{"call":3}' }
        $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"volatile"}' -ExpiresAfter ([TimeSpan]::FromTicks(1)) @cache
        $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"stable"}' -ExpiresAfter (New-TimeSpan -Hours 1) @cache

        (Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"volatile"}' -CacheStatusVariable status @cache).call | Should -Be 3
        $status.Status | Should -Be 'Miss'
        (Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":"stable"}' -CacheStatusVariable status @cache).call | Should -Be 2
        $status.Status | Should -Be 'Hit'
        @(Get-CacheEntry @cache | Where-Object Expires -LT (Get-Date).AddHours(1).AddSeconds(1)).Count | Should -Be 1
    }

    It 'refuses a blank -Tag and a lifetime of zero at binding, and calls nothing' -ForEach @(
        @{ Given = @{ Tag = ' ' } }
        @{ Given = @{ ExpiresAfter = [TimeSpan]::Zero } }
    ) {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        { Invoke-CachedRestMethod -Uri $api.Uri @Given @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.InvokeCachedRestMethodCommand'
        $api.Requests.Count | Should -Be 0
    }

    It 'leaves out a volatile body member named by -IgnoreBodyProperty, and keys a header named by -CacheKeyHeader' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        foreach ($id in 'req-1', 'req-2') {
            $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body "{`"q`":1,`"request_id`":`"$id`"}" -IgnoreBodyProperty request_id @cache
        }
        $api.Requests.Count | Should -Be 1

        foreach ($tenant in 'a', 'b') {
            $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":2}' -Headers @{ 'X-Tenant' = $tenant } @cache
        }
        $api.Requests.Count | Should -Be 2
        foreach ($tenant in 'a', 'b') {
            $null = Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":2}' -Headers @{ 'X-Tenant' = $tenant } -CacheKeyHeader X-Tenant @cache
        }
        $api.Requests.Count | Should -Be 4
    }

    It 'refuses a credential header as -CacheKeyHeader (InvalidRequest), calling nothing' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        { Invoke-CachedRestMethod -Uri $api.Uri -Headers @{ Authorization = 'Bearer x' } -CacheKeyHeader authorization @cache -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,ResponseCache.Commands.InvokeCachedRestMethodCommand' -ExpectedMessage '*credentials*'
        $api.Requests.Count | Should -Be 0
    }

    It 'gives an HTTP 429 as Invoke-RestMethod''s own error, with the API''s body, status and Retry-After, and caches nothing' {
        $api = Start-StandInApi -Responses @{ Status = 429; Body = '{"error":{"message":"Rate limit reached","type":"requests"}}'; Headers = @{ 'Retry-After' = '7' } }, @{ Status = 200; Body = '{"answer":"forty-two"}' }

        $failure = $null
        try { Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":1}' @cache } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeExactly 'WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand'
        $failure.ErrorDetails.Message | Should -Match 'Rate limit reached'
        [int] $failure.Exception.Response.StatusCode | Should -Be 429
        $failure.Exception.Response.Headers.RetryAfter.Delta.TotalSeconds | Should -Be 7
        @(Get-CacheEntry @cache).Count | Should -Be 0
        (Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"q":1}' @cache).answer | Should -BeExactly 'forty-two'
        $api.Requests.Count | Should -Be 2
    }

    It 'fails as Invoke-RestMethod fails with -ErrorAction SilentlyContinue: the error still ends the statement, and $Error holds it once' {
        $api = Start-StandInApi -Responses @{ Status = 500; Body = '{"error":"boom"}' }

        $Error.Clear()
        $direct = $null
        try { Invoke-RestMethod -Uri $api.Uri -ErrorAction SilentlyContinue } catch { $direct = $_ }
        $directErrors = $Error.Count
        $Error.Clear()
        $cached = $null
        try { Invoke-CachedRestMethod -Uri $api.Uri -ErrorAction SilentlyContinue @cache } catch { $cached = $_ }

        $direct | Should -Not -BeNullOrEmpty
        $cached.FullyQualifiedErrorId | Should -BeExactly $direct.FullyQualifiedErrorId
        $cached.ErrorDetails.Message | Should -BeExactly $direct.ErrorDetails.Message
        $Error.Count | Should -Be $directErrors
    }

    It 'sets -StatusCodeVariable and -ResponseHeadersVariable on a miss and, from the cached reply, on a hit' {
        $api = Start-StandInApi -Responses @{ Status = 201; Body = '{"ok":true}'; Headers = @{ 'x-request-id' = 'r-1'; 'Set-Cookie' = 'session=cookie-secret' } }

        foreach ($call in 'miss', 'hit') {
            $status = $null; $headers = $null
            $null = Invoke-CachedRestMethod -Uri $api.Uri -StatusCodeVariable status -ResponseHeadersVariable headers @cache

            $status | Should -Be 201 -Because "on the $call"
            $headers['x-request-id'] | Should -Be 'r-1' -Because "on the $call"
        }
        $api.Requests.Count | Should -Be 1
        $headers.ContainsKey('Set-Cookie') | Should -BeFalse
    }

    It 'passes a request that asks for a stream through uncached, saying so' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        $verbose = foreach ($i in 1, 2) {
            Invoke-CachedRestMethod -Uri $api.Uri -Method Post -Body '{"model":"m","stream":true}' -Verbose @cache 4>&1 |
                Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        }

        $api.Requests.Count | Should -Be 2
        @(Get-CacheEntry @cache).Count | Should -Be 0
        $verbose.Message | Should -Contain 'The body asks for a stream ("stream": true): the request is passed to Invoke-RestMethod uncached.'
    }

    # A user trial: a second DELETE was answered from the cache and never reached the server.
    It 'passes every <_> request through uncached, as it changes what it names, saying so' -ForEach 'Put', 'Patch', 'Delete' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"ok":true}' }

        $verbose = foreach ($i in 1, 2) {
            Invoke-CachedRestMethod -Uri "$($api.Uri)/items/1" -Method $_ -Verbose @cache 4>&1 |
                Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        }

        $api.Requests.Count | Should -Be 2
        @(Get-CacheEntry @cache).Count | Should -Be 0
        $verbose.Message | Should -Contain "A $($_.ToUpperInvariant()) request changes what it names, so each one must reach the server: it is passed to Invoke-RestMethod uncached."
    }

    It 'calls the API once for one request asked from 4 runspaces at once, and every caller gets its reply' {
        # Every caller signals before it asks, and the API holds its reply until all 4 have asked, so the others really
        # arrive while the first call is out.
        $arrived = [Threading.CountdownEvent]::new(4)
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"answer":"shared"}'; Gate = $arrived }
        $module = Get-ModuleUnderTestPath
        $uri = $api.Uri

        $answers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $cache = $using:cache
            $arrived = $using:arrived
            $null = $arrived.Signal()
            (Invoke-CachedRestMethod -Uri $using:uri -Method Post -Body '{"q":1}' @cache).answer
        }

        $api.Requests.Count | Should -Be 1
        $answers | Should -Be @('shared', 'shared', 'shared', 'shared')
    }

    It 'calls the API again with -Force and refreshes the entry' {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"n":1}' }, @{ Status = 200; Body = '{"n":2}' }

        (Invoke-CachedRestMethod -Uri $api.Uri @cache).n | Should -Be 1
        (Invoke-CachedRestMethod -Uri $api.Uri -Force @cache).n | Should -Be 2
        (Invoke-CachedRestMethod -Uri $api.Uri @cache).n | Should -Be 2
        $api.Requests.Count | Should -Be 2
    }
}

Describe 'Invoke-CachedRestMethod on a Redis server with a password' -Skip:(-not (Get-Command redis-server -ErrorAction Ignore)) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
        $redis = Start-TestRedisServer -Kind Redis -Password 'cache-password'
        $cacheCredential = [pscredential]::new('default', (ConvertTo-SecureString 'cache-password' -AsPlainText -Force))
    }

    AfterAll {
        $redis | Stop-TestRedisServer
    }

    BeforeEach {
        $api = Start-StandInApi -Responses @{ Status = 200; Body = '{"n":1}' }
        $namespace = 'icrm-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }

    AfterEach {
        Stop-StandInApi $api
    }

    It 'takes the cache''s credential as -CacheCredential, and never sends the request''s -Credential to Redis' {
        foreach ($call in 1, 2) {
            $null = Invoke-CachedRestMethod -Uri $api.Uri -ConnectionString $redis.Endpoint -Namespace $namespace -CacheCredential $cacheCredential -CacheStatusVariable status
        }
        $status.Status | Should -Be 'Hit'

        $verbose = Invoke-CachedRestMethod -Uri "$($api.Uri)?other=1" -ConnectionString $redis.Endpoint -Namespace $namespace `
            -Authentication Basic -Credential $cacheCredential -AllowUnencryptedAuthentication -CacheStatusVariable status -Verbose 4>&1 3>&1 | Out-String

        $status.Status | Should -Be 'Miss'
        $verbose | Should -Match 'NOAUTH|password'
        $api.Requests.Count | Should -Be 2
        $api.Requests.Last.Headers['Authorization'] | Should -BeLike 'Basic *'
    }
}
