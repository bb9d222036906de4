<#
.SYNOPSIS
    The Redis-protocol servers the Pester suite runs against: Garnet (from the tests' own tool manifest,
    tests/servers/.config/dotnet-tools.json, which the Test task restores) and redis-server whenever it is on PATH.
    The same C# as the xunit suite's (tests/ResponseCache.Tests/Redis/Infrastructure), compiled into this process
    on first use, so both suites start, name and stop servers alike.
.DESCRIPTION
    Servers run on free loopback ports and are stopped when the Pester process ends, whichever way it ends (on Unix
    a watchdog kills a server when its starting process dies). Invoke-RawRedis asks a server something without the
    module. The pattern:

        BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force }
        BeforeAll { Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1') -Force }

        # The same behaviour against every server this machine can start; the test names say which.
        Describe 'Something against <Name>' -ForEach (Get-TestRedisServerKind) {
            BeforeAll { $server = Get-TestRedisServer -Kind $Kind }   # shared: use a namespace of your own
            It '...' { ... -ConnectionString $server.ConnectionString -Namespace ([guid]::NewGuid()) ... }
        }

        # A server of the test's own, to stop and restart (same port), or with a password, a cluster or TLS.
        Describe 'An outage' {
            BeforeAll { $server = Start-TestRedisServer -Kind Garnet }
            AfterAll { $server | Stop-TestRedisServer }
            It '...' { $server.Stop(); ...; $server.Start(); ... }
        }
#>
Set-StrictMode -Version Latest

$script:InfrastructureDirectory = Join-Path $PSScriptRoot '../ResponseCache.Tests/Redis/Infrastructure'

function Initialize-RedisTestServers {
    if ('ResponseCache.Tests.Infrastructure.RedisTestServers' -as [type]) { return }
    # RedisServerData is the xunit suite's theory data: it needs xunit, and PowerShell has no use for it.
    $sources = Get-ChildItem -LiteralPath $script:InfrastructureDirectory -Filter *.cs | Where-Object Name -ne 'RedisServerData.cs'
    Add-Type -Path $sources.FullName
}

<#
.SYNOPSIS
    The kinds of server this machine can start, each as @{ Kind = 'Garnet'; Name = 'garnet-server 2.2.8' }, ready
    for Describe -ForEach (the Name goes in the test names). Starts nothing.
#>
function Get-TestRedisServerKind {
    Initialize-RedisTestServers
    foreach ($kind in [ResponseCache.Tests.Infrastructure.RedisTestServers]::Kinds) {
        @{ Kind = [string]$kind; Name = [ResponseCache.Tests.Infrastructure.RedisTestServers]::NameOf($kind) }
    }
}

<#
.SYNOPSIS
    The shared server of a kind (or all of them), started on first use and kept until the Pester process ends.
    Tests share it: give each a namespace of its own, and never stop it (start a private one for that).
#>
function Get-TestRedisServer {
    param([ValidateSet('Garnet', 'Redis')] [string] $Kind)
    Initialize-RedisTestServers
    if ($Kind) { [ResponseCache.Tests.Infrastructure.RedisTestServers]::Get([ResponseCache.Tests.Infrastructure.RedisServerKind]$Kind) }
    else { [ResponseCache.Tests.Infrastructure.RedisTestServers]::Shared }
}

<#
.SYNOPSIS
    Starts a server of the test's own on a free loopback port and waits until it answers. The object has Name,
    Kind, Endpoint, Port, ConnectionString (StackExchange.Redis format, with the password and ssl=true when set),
    CaCertificatePath (-Tls), IsRunning, and the methods Stop() (kill it, as a crash would) and Start() (again, on
    the same port). Stop it with Stop-TestRedisServer in AfterAll.
#>
function Start-TestRedisServer {
    param(
        [ValidateSet('Garnet', 'Redis')] [string] $Kind = 'Garnet',
        [string] $Password,
        [switch] $Cluster,
        [switch] $Tls
    )
    Initialize-RedisTestServers
    $options = [ResponseCache.Tests.Infrastructure.RedisServerOptions]::new()
    if ($Password) { $options.Password = $Password }
    $options.Cluster = [bool]$Cluster
    $options.Tls = [bool]$Tls
    [ResponseCache.Tests.Infrastructure.RedisTestServers]::StartPrivate([ResponseCache.Tests.Infrastructure.RedisServerKind]$Kind, $options)
}

function Stop-TestRedisServer {
    param([Parameter(Mandatory, ValueFromPipeline)] [AllowNull()] $Server)
    process {
        if ($null -ne $Server) { $Server.Dispose() }
    }
}

# One raw RESP command to the server, answered as text (integers as strings, nil as $null, arrays as arrays), so a
# test sees keys that are not the cache's without going through the module.
function Invoke-RawRedis {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string[]] $Command)
    # A $null password stays null ([NullString]), not the empty string PowerShell would pass for it.
    $password = if ($Server.Password) { $Server.Password } else { [NullString]::Value }
    $probe = [ResponseCache.Tests.Infrastructure.RespProbe]::Connect($Server.Port, $Server.Tls, $password, [timespan]::FromSeconds(5))
    try { $probe.Send($Command) } finally { $probe.Dispose() }
}

Export-ModuleMember -Function Get-TestRedisServerKind, Get-TestRedisServer, Start-TestRedisServer, Stop-TestRedisServer, Invoke-RawRedis
