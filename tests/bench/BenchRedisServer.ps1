# Redis-protocol servers for a benchmark: started on a free loopback port, stopped with their whole process tree.
# Garnet comes from the tests' own tool manifest (tests/servers); redis-server only when it is on PATH. Dot-source it.

$script:ServersFolder = Join-Path $PSScriptRoot '../servers'

# The servers this machine can start: Garnet always (restored from the tests' tool manifest), redis-server when on PATH.
function Get-BenchServerKinds {
    $kinds = @('garnet')
    if (Get-Command redis-server -CommandType Application -ErrorAction Ignore) { $kinds += 'redis-server' }
    $kinds
}

function Get-FreeLoopbackPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# Starts a server and waits until it answers PING; returns Kind, Version, Port, ConnectionString and Process.
function Start-BenchServer {
    param([Parameter(Mandatory)] [ValidateSet('garnet', 'redis-server')] [string] $Kind, [Parameter(Mandatory)] [string] $WorkDirectory)
    $port = Get-FreeLoopbackPort
    $directory = Join-Path $WorkDirectory "$Kind-$port"
    $null = New-Item $directory -ItemType Directory -Force
    $output = @{ RedirectStandardOutput = (Join-Path $directory 'stdout.log'); RedirectStandardError = (Join-Path $directory 'stderr.log') }
    if ($Kind -eq 'garnet') {
        $manifest = Join-Path $script:ServersFolder '.config/dotnet-tools.json'
        dotnet tool restore --tool-manifest $manifest | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "dotnet tool restore --tool-manifest $manifest failed with exit code $LASTEXITCODE." }
        $version = (Get-Content $manifest -Raw | ConvertFrom-Json).tools.'garnet-server'.version
        $process = Start-Process dotnet -PassThru -WorkingDirectory $script:ServersFolder @output -ArgumentList @(
            'tool', 'run', 'garnet-server', '--', '--bind', '127.0.0.1', '--port', $port, '--lua', '-m', '128m', '-i', '16m')
    } else {
        $version = ((redis-server --version) -split '\s+' | Where-Object { $_ -like 'v=*' }) -replace '^v=', ''
        $config = Join-Path $directory 'redis.conf'
        "port $port", 'bind 127.0.0.1', 'save ""', 'appendonly no', "dir $directory" | Set-Content $config
        $process = Start-Process redis-server -PassThru -WorkingDirectory $directory @output -ArgumentList $config
    }
    $server = [pscustomobject]@{ Kind = $Kind; Version = $version; Port = $port; ConnectionString = "127.0.0.1:$port"; Process = $process }
    try {
        Wait-BenchServer $server -Log $output.RedirectStandardOutput
    } catch {
        Stop-BenchServer $server
        throw
    }
    $server
}

function Wait-BenchServer {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Log, [int] $TimeoutSeconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Server.Process.HasExited) { throw "$($Server.Kind) exited with code $($Server.Process.ExitCode) before answering; see $Log." }
        try {
            $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $Server.Port)
            try {
                $stream = $client.GetStream()
                $stream.ReadTimeout = 2000
                $ping = [Text.Encoding]::ASCII.GetBytes("PING`r`n")
                $stream.Write($ping, 0, $ping.Length)
                $buffer = [byte[]]::new(16)
                if ([Text.Encoding]::ASCII.GetString($buffer, 0, $stream.Read($buffer, 0, $buffer.Length)) -like '+PONG*') { return }
            } finally { $client.Dispose() }
        } catch [Net.Sockets.SocketException], [IO.IOException] {
            Start-Sleep -Milliseconds 200
        }
    }
    throw "$($Server.Kind) did not answer PING on port $($Server.Port) within $TimeoutSeconds s; see $Log."
}

function Stop-BenchServer {
    param([Parameter(Mandatory)] $Server)
    if (-not $Server.Process.HasExited) {
        $Server.Process.Kill($true)
        $null = $Server.Process.WaitForExit(10000)
    }
}
