<#
    Tab completion as a console user meets it, through TabExpansion2: -Path offers directories only, -KeyHash the
    hashes of the cache the command line names (read without writing anything), -Tag and -Model the tags and models its
    entries carry, -Namespace the namespaces of the
    server it names (from the server's index), and parameters that take text or a server never offer file names.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    $textParameters = @(
        @{ Command = 'Get-CachedResponse'; Parameter = 'Key' }
        @{ Command = 'Set-CachedResponse'; Parameter = 'Key' }
        @{ Command = 'Remove-CachedResponse'; Parameter = 'Key' }
        @{ Command = 'Get-CacheEntry'; Parameter = 'Key' }
        @{ Command = 'Get-CachedResponse'; Parameter = 'Model' }
        @{ Command = 'Remove-CachedResponse'; Parameter = 'Model' }
        @{ Command = 'Get-CacheEntry'; Parameter = 'Tag' }
        @{ Command = 'Get-CacheStats'; Parameter = 'ConnectionString' }
        @{ Command = 'Copy-ResponseCache'; Parameter = 'DestinationConnectionString' }
        @{ Command = 'Get-CacheStats'; Parameter = 'Namespace' }
        @{ Command = 'Copy-ResponseCache'; Parameter = 'DestinationNamespace' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force

    # What Tab offers with the cursor at the end of the line, or before -Before.
    function Get-Completion([string] $Line, [string] $Before = '') {
        (TabExpansion2 -inputScript ($Line + $Before) -cursorColumn $Line.Length).CompletionMatches
    }

    function Get-CompletedText([string] $Line, [string] $Before = '') {
        @(Get-Completion $Line $Before | ForEach-Object CompletionText)
    }
}

Describe 'Completion of parameters that take text or a server' {
    BeforeAll {
        $workspace = Join-Path $TestDrive 'workspace'
        $null = New-Item -ItemType Directory -Path (Join-Path $workspace 'answers-folder') -Force
        Set-Content -LiteralPath (Join-Path $workspace 'answers.txt') -Value 'not a key'
        Push-Location $workspace
    }

    AfterAll {
        Pop-Location
    }

    It '<Command> -<Parameter> offers no file or directory names' -ForEach $textParameters {
        Get-Completion "$Command -$Parameter ans" | Should -BeNullOrEmpty
    }
}

Describe 'Completion of Invoke-CachedRestMethod -Method' {
    It 'offers the methods Invoke-RestMethod takes that start with what is typed, in any case' {
        Get-CompletedText 'Invoke-CachedRestMethod -Uri http://localhost/ -Method p' | Should -BeExactly @('Patch', 'Post', 'Put')
        Get-CompletedText "Invoke-CachedRestMethod -Method 'GE" | Should -BeExactly @('Get')
    }
}

Describe 'Completion of -Path' {
    BeforeAll {
        $workspace = Join-Path $TestDrive 'paths'
        $null = New-Item -ItemType Directory -Path (Join-Path $workspace 'cache-dir') -Force
        Set-Content -LiteralPath (Join-Path $workspace 'cache-file.txt') -Value 'a file is refused as CachePathIsFile'
        Push-Location $workspace
    }

    AfterAll {
        Pop-Location
    }

    It 'offers directories and never files, for -Path and -DestinationPath' {
        foreach ($line in 'Get-CacheStats -Path cache', 'Copy-ResponseCache -DestinationPath cache') {
            $offered = @(Get-Completion $line)

            $offered.ListItemText | Should -Be @('cache-dir')
            $offered.ResultType | Should -Be @('ProviderContainer')
        }
    }
}

Describe 'Completion of -KeyHash from a cache directory' {
    BeforeAll {
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        $created = [DateTimeOffset]::new(2026, 11, 30, 9, 15, 0, [TimeSpan]::Zero)
        # The twins' hashes share their first eight digits, b3de1bbe.
        $cacheFile = Write-CacheFile -Directory $cache -Entries @(
            @{ Key = 'twin 117425'; Response = 'one'; CreatedAt = $created; LastAccessed = $created }
            @{ Key = 'twin 119165'; Response = ('x' * 2000); CreatedAt = $created.AddHours(1); LastAccessed = $created.AddHours(1) }
            @{ Key = 'unrelated'; Response = 'three'; CreatedAt = $created.AddHours(2); LastAccessed = $created.AddHours(2) }
        )
        $twin, $otherTwin, $unrelated = (Get-KeyHash 'twin 117425'), (Get-KeyHash 'twin 119165'), (Get-KeyHash 'unrelated')
    }

    It 'offers the hashes of the cache -Path names, least recently used first' {
        Get-CompletedText "Remove-CachedResponse -Path '$cache' -KeyHash " | Should -Be @($twin, $otherTwin, $unrelated)
    }

    It 'offers only the hashes that start with the digits typed, in either case, quoted or not, wherever -Path stands' {
        Get-CompletedText "Remove-CachedResponse -Path '$cache' -KeyHash B3DE" | Should -Be @($twin, $otherTwin)
        Get-CompletedText "Remove-CachedResponse -Path '$cache' -KeyHash '$($unrelated.Substring(0, 3))" | Should -Be @($unrelated)
        Get-CompletedText "Remove-CachedResponse -KeyHash $($unrelated.Substring(0, 3))" " -Path '$cache'" | Should -Be @($unrelated)
    }

    It 'shows when each entry was created and its size in the tooltip' {
        $entry = Get-CacheEntry -Path $cache | Where-Object KeyHash -EQ $otherTwin

        $tooltip = (Get-Completion "Remove-CachedResponse -Path '$cache' -KeyHash $($otherTwin.Substring(0, 12))").ToolTip

        $tooltip | Should -BeLike "*$($entry.Created.ToString('yyyy-MM-dd HH:mm'))*"
        $tooltip | Should -BeLike "*$($entry.SizeBytes.ToString('N0')) bytes*"
    }

    It 'reads the cache as it is on disk and writes nothing there, not even a repair a read would write' {
        # A byte order mark is something a read repairs when the lock is free.
        $bytes = [byte[]](0xEF, 0xBB, 0xBF) + [IO.File]::ReadAllBytes($cacheFile)
        $damaged = New-CacheDirectoryPath -Parent $TestDrive
        $null = New-Item -ItemType Directory -Path $damaged
        [IO.File]::WriteAllBytes((Join-Path $damaged 'ai_responses.json'), $bytes)

        Get-CompletedText "Remove-CachedResponse -Path '$damaged' -KeyHash " | Should -HaveCount 3

        [IO.File]::ReadAllBytes((Join-Path $damaged 'ai_responses.json')) | Should -Be $bytes
        @(Get-ChildItem -LiteralPath $damaged -Force).Name | Should -Be @('ai_responses.json')
    }

    It 'offers nothing, creates nothing and fails nothing for a path that does not exist or is a file' {
        $missing = Join-Path $TestDrive 'no-such-cache'

        Get-Completion "Remove-CachedResponse -Path '$missing' -KeyHash " | Should -BeNullOrEmpty
        Get-Completion "Remove-CachedResponse -Path '$cacheFile' -KeyHash " | Should -BeNullOrEmpty

        Test-Path -LiteralPath $missing | Should -BeFalse
    }

    It 'resolves a relative -Path against the current location' {
        Push-Location (Split-Path $cache)
        try {
            Get-CompletedText "Remove-CachedResponse -Path ./$(Split-Path $cache -Leaf) -KeyHash $($twin.Substring(0, 9))" | Should -Be @($twin)
        }
        finally {
            Pop-Location
        }
    }

    It 'offers the hashes of the cache RESPONSECACHE_PATH names when the command line names none' {
        Use-EnvironmentVariable @{ RESPONSECACHE_PATH = $cache; RESPONSECACHE_REDIS = $null } {
            Get-CompletedText 'Remove-CachedResponse -KeyHash b3de1bbe9' | Should -Be @($otherTwin)
        }
    }
}

Describe 'Completion of -KeyHash from a namespace on <Name>' -ForEach @(Get-TestBackend | Where-Object Kind -NE 'Directory') {
    BeforeAll {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'twin 117425' -Response 'one' @cache
        Set-CachedResponse -Key 'twin 119165' -Response 'two' @cache
        Set-CachedResponse -Key 'unrelated' -Response 'three' @cache
        $named = ConvertTo-CacheParameterText $cache
    }

    It 'offers the hashes of the namespace -ConnectionString and -Namespace name that start with the digits typed' {
        Get-CompletedText "Remove-CachedResponse $named -KeyHash b3de" | Should -Be @((Get-KeyHash 'twin 117425'), (Get-KeyHash 'twin 119165'))
    }

    It 'offers nothing from another namespace of the server' {
        Get-Completion "Remove-CachedResponse -ConnectionString '$($cache.ConnectionString)' -Namespace pester-empty-$([guid]::NewGuid().ToString('N')) -KeyHash " |
            Should -BeNullOrEmpty
    }
}

Describe 'Completion of -Tag and -Model from <Name>' -ForEach @(Get-TestBackend) {
    BeforeAll {
        $cache = New-TestCache -Kind $Kind
        Set-CachedResponse -Key 'summary 1' -Response 'one' -Tag 'summary-v1', 'gpt-4o' @cache
        Set-CachedResponse -Key 'summary 2' -Response 'two' -Tag 'Summary-V1' @cache
        Set-CachedResponse -Key 'review' -Response 'three' -Tag 'summary-v2', "it's draft" @cache
        # The model an entry records is the reply's.
        Set-CachedResponse -Key 'hi' -Response @{ model = 'gpt-4o-mini'; choices = @() } @cache
        Set-CachedResponse -Key 'bye' -Response @{ model = 'gpt-4o-mini'; choices = @() } @cache
        Set-CachedResponse -Key 'hello' -Response @{ model = 'claude-sonnet-4-5'; content = @() } @cache
        $named = ConvertTo-CacheParameterText $cache
    }

    It '<Command> -Tag offers the tags of the cache the command line names that start with what is typed, in any case, each once' -ForEach @(
        @{ Command = 'Get-CacheEntry' }
        @{ Command = 'Remove-CachedResponse' }
        @{ Command = 'Clear-ResponseCache' }
        @{ Command = 'Set-CachedResponse -Key k' }
        @{ Command = 'Get-CachedResponse -Key k' }
        @{ Command = 'Invoke-CachedRestMethod -Uri http://localhost/' }
    ) {
        $offered = Get-CompletedText "$Command $named -Tag SUMMARY-"

        $offered | Should -HaveCount 2
        $offered[0] | Should -Be 'summary-v1'
        $offered[1] | Should -BeExactly 'summary-v2'
        Get-CompletedText "$Command -Tag gp" " $named" | Should -BeExactly @('gpt-4o')
    }

    It 'tells in the tooltip how many entries carry each tag' {
        $tooltips = Get-Completion "Get-CacheEntry $named -Tag summary-" | ForEach-Object ToolTip

        $tooltips[0] | Should -Match ': 2 entries tagged$'
        $tooltips[1] | Should -Match ': 1 entry tagged$'
    }

    It 'quotes a tag PowerShell would not read as one word, and the completed line lists its entry' {
        $completed = Get-CompletedText "Get-CacheEntry $named -Tag it"

        $completed | Should -BeExactly @("'it''s draft'")
        (Invoke-Expression "Get-CacheEntry $named -Tag $completed").KeyHash | Should -Be (Get-KeyHash 'review')
        Get-CompletedText "Get-CacheEntry $named -Tag 'gp" | Should -BeExactly @("'gpt-4o'")
    }

    It '<Command> -Model offers the models the entries recorded, with how many entries each' -ForEach @(
        @{ Command = 'Get-CachedResponse -Prompt p' }
        @{ Command = 'Set-CachedResponse -Prompt p' }
        @{ Command = 'Remove-CachedResponse -Prompt p' }
    ) {
        Get-CompletedText "$Command $named -Model GPT" | Should -BeExactly @('gpt-4o-mini')
        Get-CompletedText "$Command -Model " " $named" | Should -BeExactly @('claude-sonnet-4-5', 'gpt-4o-mini')
        (Get-Completion "$Command $named -Model gpt").ToolTip | Should -Match ': 2 entries$'
    }

    It 'offers nothing from a cache that holds no entries' {
        $empty = ConvertTo-CacheParameterText (New-TestCache -Kind $Kind)

        Get-Completion "Get-CacheEntry $empty -Tag " | Should -BeNullOrEmpty
        Get-Completion "Get-CachedResponse $empty -Model " | Should -BeNullOrEmpty
    }
}

Describe 'Completion of -Namespace from the index of <Name>' -ForEach @(Get-TestBackend | Where-Object Kind -NE 'Directory') {
    BeforeAll {
        $server = (New-TestCache -Kind $Kind).ConnectionString
        $prefix = New-TestNamespace
        foreach ($name in "$prefix-prod", "$prefix-Prod", "$prefix-staging", "$prefix-it's", "$prefix-gone") {
            Set-CachedResponse -Key 'k' -Response 'v' -ConnectionString $server -Namespace $name
        }
        Clear-ResponseCache -ConnectionString $server -Namespace "$prefix-gone" -Confirm:$false
        # The index is written without waiting for its answer; a lookup on the module's connection comes back after it.
        $null = Get-CachedResponse -Key 'k' -ConnectionString $server -Namespace "$prefix-prod"
        $quotedServer = "'$server'"
    }

    It 'offers the namespaces of the server that start with what is typed, in any case, each as it is spelled' {
        Get-CompletedText "Get-CacheStats -ConnectionString $quotedServer -Namespace $prefix-p" | Should -BeExactly @("$prefix-Prod", "$prefix-prod")
        Get-CompletedText "Get-CacheStats -Namespace $($prefix.ToUpperInvariant())-ST" " -ConnectionString $quotedServer" | Should -BeExactly @("$prefix-staging")
    }

    It 'quotes a namespace PowerShell would not read as one word, and the completed line names it' {
        $completed = Get-CompletedText "Get-CacheStats -ConnectionString $quotedServer -Namespace $prefix-it"

        $completed | Should -BeExactly @("'$prefix-it''s'")
        (Invoke-Expression "Get-CacheStats -ConnectionString $quotedServer -Namespace $completed").TotalEntries | Should -Be 1
        Get-CompletedText "Get-CacheStats -ConnectionString $quotedServer -Namespace '$prefix-s" | Should -BeExactly @("'$prefix-staging'")
    }

    It 'offers no namespace Clear-ResponseCache emptied' {
        Get-CompletedText "Get-CacheStats -ConnectionString $quotedServer -Namespace $prefix-g" | Should -BeNullOrEmpty
    }

    It 'offers the namespaces of RESPONSECACHE_REDIS when the command line names no server, and none for a -Path' {
        Use-EnvironmentVariable @{ RESPONSECACHE_REDIS = $server } {
            Get-CompletedText "Remove-CachedResponse -Namespace $prefix-s" | Should -BeExactly @("$prefix-staging")
            Get-CompletedText "Remove-CachedResponse -Path $TestDrive -Namespace $prefix-s" | Should -BeNullOrEmpty
        }
    }

    It 'offers the namespaces of the destination server for Copy-ResponseCache -DestinationNamespace' {
        Get-CompletedText "Copy-ResponseCache -Path $TestDrive -DestinationConnectionString $quotedServer -DestinationNamespace $prefix-s" |
            Should -BeExactly @("$prefix-staging")
    }
}

Describe 'Completion on a server with a password' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
        $secret = 'pw-' + [guid]::NewGuid().ToString('N')
        $server = Start-TestRedisServer -Kind Redis -Password $secret
        Initialize-RedisServerUse $server
        $endpoint = "'$($server.Endpoint)'"
        $ns = New-TestNamespace
        $global:CompletionCacheCredential = [pscredential]::new('default', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $global:CompletionRequestCredential = [pscredential]::new('api-user', (ConvertTo-SecureString 'not the cache''s' -AsPlainText -Force))
        Set-CachedResponse -Key 'k' -Response 'v' -Tag 'signed-in' -ConnectionString $server.Endpoint -Credential $CompletionCacheCredential -Namespace $ns
        $null = Get-CachedResponse -Key 'k' -ConnectionString $server.Endpoint -Credential $CompletionCacheCredential -Namespace $ns
    }

    AfterAll {
        Remove-Variable -Scope Global -Name CompletionCacheCredential, CompletionRequestCredential -ErrorAction Ignore
        if ($server) { $server | Stop-TestRedisServer }
    }

    It 'signs in with -Credential, and with -CacheCredential where -Credential is a request''s' {
        Get-CompletedText "Get-CacheStats -ConnectionString $endpoint -Credential `$CompletionCacheCredential -Namespace $ns" | Should -BeExactly @($ns)
        Get-CompletedText "Invoke-CachedRestMethod -Uri http://localhost/ -ConnectionString $endpoint -Credential `$CompletionRequestCredential -CacheCredential `$CompletionCacheCredential -Namespace $ns" |
            Should -BeExactly @($ns)
        Get-CompletedText "Copy-ResponseCache -Path $TestDrive -DestinationConnectionString $endpoint -DestinationCredential `$CompletionCacheCredential -DestinationNamespace $ns" |
            Should -BeExactly @($ns)
    }

    It 'lists the tags of Invoke-CachedRestMethod''s cache with -CacheCredential, never the request''s -Credential' {
        Get-CompletedText "Invoke-CachedRestMethod -Uri http://localhost/ -ConnectionString $endpoint -Namespace $ns -Credential `$CompletionRequestCredential -CacheCredential `$CompletionCacheCredential -Tag sig" |
            Should -BeExactly @('signed-in')
        Get-CompletedText "Get-CacheEntry -ConnectionString $endpoint -Namespace $ns -Credential `$CompletionCacheCredential -Tag sig" | Should -BeExactly @('signed-in')
    }
}

Describe 'Completion of -KeyHash from a server that cannot be reached' {
    It 'offers nothing, no file names and no error' {
        # A port just freed: the connection is refused.
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $Error.Clear()

        Get-Completion "Remove-CachedResponse -ConnectionString '127.0.0.1:$port' -KeyHash " | Should -BeNullOrEmpty
        Get-Completion "Get-CacheEntry -ConnectionString '127.0.0.1:$port' -Tag " | Should -BeNullOrEmpty
        Get-Completion "Get-CachedResponse -ConnectionString '127.0.0.1:$port' -Model " | Should -BeNullOrEmpty

        $Error | Should -BeNullOrEmpty
    }

    It 'offers no namespace, no file names and no error, nor for a connection string that is not one' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $Error.Clear()

        Get-Completion "Get-CacheStats -ConnectionString '127.0.0.1:$port' -Namespace " | Should -BeNullOrEmpty
        Get-Completion "Copy-ResponseCache -DestinationConnectionString '127.0.0.1:$port' -DestinationNamespace " | Should -BeNullOrEmpty
        Get-Completion "Get-CacheStats -ConnectionString 'redis://:no-port' -Namespace " | Should -BeNullOrEmpty

        $Error | Should -BeNullOrEmpty
    }
}
