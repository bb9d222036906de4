using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResponseCache.Tests.Redis;

/// <summary>A server the Redis tests run against: its kind ("garnet", "redis-server") and its "host:port".</summary>
public sealed record RedisTestServer(string Name, string Endpoint);

/// <summary>A server of a test's own, which it may stop and start again on the same port.</summary>
public interface IPrivateRedisServer : IDisposable
{
    string Endpoint { get; }

    void Stop();

    void Start();
}

/// <summary>
/// Where the Redis tests get their servers. TEMPORARY minimal implementation, to be pointed at
/// Infrastructure/RedisTestServers (the shared test-server infrastructure) when that lands: shared servers start once
/// per run on free loopback ports, garnet-server from the tests' own tool manifest and redis-server when it is on PATH.
/// </summary>
public static class RedisServerSource
{
    private static readonly Lazy<IReadOnlyDictionary<string, RedisTestServer>> s_shared = new(StartShared);

    /// <summary>The kinds of server this machine can start, for theory data (nothing is started to list them).</summary>
    public static TheoryData<string> Names => new(Available());

    public static RedisTestServer Get(string name) =>
        s_shared.Value.TryGetValue(name, out RedisTestServer? server) ? server : throw new InvalidOperationException($"The {name} test server could not be started.");

    public static IPrivateRedisServer StartPrivate(string name, string? password = null)
    {
        var server = new LocalServer(name, FreePort(), password);
        server.Start();
        return server;
    }

    public static bool CanStartCluster => OnPath("redis-server");

    /// <summary>redis-server as a one-node Redis Cluster that owns every slot.</summary>
    public static IPrivateRedisServer StartPrivateCluster()
    {
        var server = new LocalServer("redis-server", FreePort(), password: null, cluster: true);
        server.Start();
        return server;
    }

    private static IReadOnlyDictionary<string, RedisTestServer> StartShared()
    {
        var servers = new Dictionary<string, RedisTestServer>();
        foreach (string name in Available())
        {
            var server = new LocalServer(name, FreePort(), password: null);
            server.Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            servers[name] = new RedisTestServer(name, server.Endpoint);
        }

        return servers;
    }

    private static IEnumerable<string> Available() =>
        OnPath("redis-server") ? new[] { "garnet", "redis-server" } : new[] { "garnet" };

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, program)));

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ServersDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "servers");
            if (File.Exists(Path.Combine(candidate, ".config", "dotnet-tools.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/servers (the tests' tool manifest) was not found above " + AppContext.BaseDirectory);
    }

    private sealed class LocalServer : IPrivateRedisServer
    {
        private readonly string _name;
        private readonly int _port;
        private readonly string? _password;
        private readonly string? _clusterDirectory;
        private Process? _process;

        public LocalServer(string name, int port, string? password, bool cluster = false)
        {
            _name = name;
            _port = port;
            _password = password;
            _clusterDirectory = cluster ? Directory.CreateTempSubdirectory("rc-cluster-").FullName : null;
        }

        public string Endpoint => "127.0.0.1:" + _port;

        public void Start()
        {
            // Through sh, which kills the server when the test process's end closes its stdin: a test host that is
            // killed runs no exit handler, and the server would outlive it.
            var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = ServersDirectory(), RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec 3<&0; \"$@\" </dev/null & server=$!; (cat <&3 >/dev/null; kill -9 $server) & exec 3<&-; wait $server");
            start.ArgumentList.Add("sh");
            start.ArgumentList.Add(_name == "garnet" ? "dotnet" : "redis-server");
            IEnumerable<string> args = _name == "garnet"
                ? new[] { "tool", "run", "garnet-server", "--", "--bind", "127.0.0.1", "--port", _port.ToString(), "--lua", "-m", "128m", "-i", "16m" }
                    .Concat(_password is null ? Array.Empty<string>() : new[] { "--auth", "Password", "--password", _password })
                : new[] { "--port", _port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" }
                    .Concat(_password is null ? Array.Empty<string>() : new[] { "--requirepass", _password })
                    .Concat(_clusterDirectory is null ? Array.Empty<string>() : new[] { "--cluster-enabled", "yes", "--dir", _clusterDirectory });
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            WaitUntilAnswering();
            if (_clusterDirectory is not null)
            {
                OwnAllSlots();
            }
        }

        public void Stop()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process?.Dispose();
            _process = null;
        }

        public void Dispose()
        {
            Stop();
            if (_clusterDirectory is not null)
            {
                Directory.Delete(_clusterDirectory, recursive: true);
            }
        }

        private void OwnAllSlots()
        {
            using var multiplexer = StackExchange.Redis.ConnectionMultiplexer.Connect(Endpoint + ",allowAdmin=true");
            StackExchange.Redis.IServer server = multiplexer.GetServer(Endpoint);
            server.Execute("CLUSTER", "ADDSLOTSRANGE", 0, 16383);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!server.Execute("CLUSTER", "INFO").ToString()!.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("The one-node cluster never reached cluster_state:ok.");
                }

                Thread.Sleep(100);
            }
        }

        private void WaitUntilAnswering()
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (_process!.HasExited)
                {
                    throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} on port {_port}.");
                }

                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, _port);
                    NetworkStream stream = client.GetStream();
                    stream.ReadTimeout = 2000;
                    byte[] ping = Encoding.ASCII.GetBytes("PING\r\n");
                    stream.Write(ping, 0, ping.Length);
                    var buffer = new byte[64];
                    int read = stream.Read(buffer, 0, buffer.Length);
                    string answer = Encoding.ASCII.GetString(buffer, 0, read);
                    if (answer.StartsWith("+PONG", StringComparison.Ordinal) || answer.StartsWith("-NOAUTH", StringComparison.Ordinal) || answer.Contains("Authentication", StringComparison.OrdinalIgnoreCase))
                    {
                        return;
                    }
                }
                catch (SocketException)
                {
                }
                catch (IOException)
                {
                }

                Thread.Sleep(100);
            }

            Stop();
            throw new InvalidOperationException($"{_name} did not answer on port {_port} within 60 s.");
        }
    }
}
