<#
    Remove-Module closes what the module opened: a fresh pwsh uses a Redis server, removes the module and goes on
    running, while the server is asked how many clients it has.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
    $serverKinds = @(Get-TestRedisServerKind)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
}

Describe 'Remove-Module on <Name>' -ForEach $serverKinds {
    BeforeAll {
        # A server of its own: the count of clients it reports is then this test's alone.
        $server = Start-TestRedisServer -Kind $Kind

        # CLIENT LIST, since Garnet's INFO clients counts none; one line per client, the asking one included.
        function Get-ConnectedClientCount {
            $clients = Invoke-RawRedis $server @('CLIENT', 'LIST')
            @($clients -split '\n' | Where-Object { $_ -match '^id=' }).Count
        }

        # The count settles once the server has noticed a client come or go.
        function Wait-ConnectedClientCount([scriptblock] $Until) {
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            do {
                $count = Get-ConnectedClientCount
                if (& $Until $count) { break }
                Start-Sleep -Milliseconds 100
            } while ([DateTime]::UtcNow -lt $deadline)
            $count
        }
    }

    AfterAll {
        Stop-TestRedisServer $server
    }

    It 'closes the connections to <Name> that the module opened, in a process that goes on running' {
        $before = Get-ConnectedClientCount
        $process = Start-FreshPwsh -Script @"
Set-CachedResponse -Key 'k' -Response 'v' -ConnectionString '$($server.ConnectionString)' -Namespace 'removal'
'connected'
`$null = [Console]::In.ReadLine()
Remove-Module ResponseCache
'removed'
`$null = [Console]::In.ReadLine()
"@
        try {
            $process.StandardOutput.ReadLine() | Should -BeExactly 'connected'
            $while = Wait-ConnectedClientCount { param($count) $count -gt $before }
            $process.StandardInput.WriteLine('remove')
            $process.StandardOutput.ReadLine() | Should -BeExactly 'removed'
            $after = Wait-ConnectedClientCount { param($count) $count -le $before }
            $process.HasExited | Should -BeFalse -Because 'the connections must close on removal, not at process exit'
        } finally {
            $run = Wait-FreshPwsh $process
        }

        $run.Errors | Should -BeNullOrEmpty
        $while | Should -BeGreaterThan $before
        $after | Should -Be $before
    }
}
