# The servers the Redis tests start, as the cmdlet tests rely on them: an outage is a stop and a restart on the same port.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force

    function Test-Answers {
        param([Parameter(Mandatory)] $Server)
        [ResponseCache.Tests.Infrastructure.RespProbe]::Answers($Server.Port, $Server.Tls, $Server.Password, [timespan]::FromSeconds(2))
    }
}

Describe 'A private <Name> server' -ForEach (Get-TestRedisServerKind) {
    BeforeAll {
        $server = Start-TestRedisServer -Kind $Kind -Password 'pester'
    }
    AfterAll {
        $server | Stop-TestRedisServer
    }

    It 'refuses connections once stopped and answers again on the same endpoint once started' {
        $endpoint = $server.Endpoint
        $server.Stop()
        Test-Answers $server | Should -BeFalse
        $server.Start()
        $server.Endpoint | Should -Be $endpoint
        Test-Answers $server | Should -BeTrue
        $server.ConnectionString | Should -Be "$endpoint,password=pester"
    }
}
