#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// A Redis-protocol server on a free loopback port, started by the tests and stopped after them (Dispose, the end of
/// the test process, or, on Unix, the death of the test process: see ServerProcess). Stop and Start simulate an outage:
/// Start brings it back on the same port, with the same password, cluster slots and certificate.
/// </summary>
public sealed class RedisTestServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly HashSet<int> PortsHandedOut = new();

    private readonly object _gate = new();
    private readonly string _directory;
    private readonly string? _certificate;
    private readonly string? _key;
    private readonly int _clusterBusPort;
    private ServerProcess? _process;
    private bool _disposed;

    internal RedisTestServer(RedisServerKind kind, RedisServerOptions options)
    {
        if (options.Tls && kind != RedisServerKind.Redis)
        {
            throw new NotSupportedException("The tests start TLS servers with redis-server only.");
        }
        Kind = kind;
        Name = kind == RedisServerKind.Garnet
            ? ServerPrograms.GarnetName
            : ServerPrograms.RedisName ?? throw new InvalidOperationException("redis-server is not on PATH (Debian: apt-get install redis-server).");
        Password = options.Password;
        Cluster = options.Cluster;
        Tls = options.Tls;
        _directory = ServerDirectories.Create();
        if (Tls)
        {
            (CaCertificatePath, _certificate, _key) = TestCertificateAuthority.Create(_directory);
        }
        _clusterBusPort = Cluster && kind == RedisServerKind.Redis ? FreePort() : 0;
        StartOnFreePort();
    }

    /// <summary>"garnet-server 2.2.8" or "redis-server 7.0.15": the program and its version.</summary>
    public string Name { get; }

    public RedisServerKind Kind { get; }

    public int Port { get; private set; }

    /// <summary>"127.0.0.1:port".</summary>
    public string Endpoint => "127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string? Password { get; }

    public bool Cluster { get; }

    public bool Tls { get; }

    /// <summary>The PEM file of the CA that issued a TLS server's certificate (clients trust it to connect); null without TLS.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>A StackExchange.Redis configuration string for this server: endpoint, password, ssl.</summary>
    public string ConnectionString =>
        Endpoint + (Password is null ? "" : ",password=" + Password) + (Tls ? ",ssl=true" : "");

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>Kills the server (as a crash would: nothing is saved); the port refuses connections until Start.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _process?.Stop();
            _process = null;
        }
    }

    /// <summary>
    /// Freezes the running server (SIGSTOP): its port stays open and its connections stay up, but it answers nothing,
    /// as a hung host does. Thaw it in a finally; Stop and Dispose thaw it too.
    /// </summary>
    public void Freeze() => Running().Freeze(true);

    /// <summary>Continues a frozen server (SIGCONT): it answers again, and what was sent meanwhile is then served.</summary>
    public void Thaw() => Running().Freeze(false);

    /// <summary>Starts the stopped server again on the same port and waits until it answers PING.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is not null)
            {
                throw new InvalidOperationException($"{this} is already running.");
            }
            // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
            var attempts = 0;
            while (!TryStart(out var failure))
            {
                if (++attempts == 10)
                {
                    throw new InvalidOperationException($"{Name} did not restart on {Endpoint}: {failure}");
                }
                Thread.Sleep(200);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _process?.Stop();
            _process = null;
        }
        RedisTestServers.Forget(this);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A log another process still holds open: the temp folder's own cleanup takes it.
        }
    }

    public override string ToString() => $"{Name} on {Endpoint}";

    private ServerProcess Running()
    {
        lock (_gate)
        {
            return _process ?? throw new InvalidOperationException($"{this} is not running.");
        }
    }

    private void StartOnFreePort()
    {
        // A free port can be taken by someone else between our look and the server's bind: then try another.
        string? failure = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Port = FreePort();
            if (TryStart(out failure))
            {
                return;
            }
        }
        throw new InvalidOperationException($"{Name} did not start: {failure}");
    }

    private bool TryStart(out string? failure)
    {
        var log = Path.Combine(_directory, "server.log");
        var (program, arguments) = CommandLine();
        var process = ServerProcess.Start(program, arguments, log);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                failure = "it exited: " + Tail(log);
                process.Stop();
                return false;
            }
            if (RespProbe.Answers(Port, Tls, Password, TimeSpan.FromSeconds(2)))
            {
                _process = process;
                RedisTestServers.Track(this);
                if (Cluster)
                {
                    ClaimAllSlots();
                }
                failure = null;
                return true;
            }
            Thread.Sleep(50);
        }
        process.Stop();
        throw new TimeoutException($"{Name} did not answer PING on {Endpoint} within {StartTimeout.TotalSeconds} s: {Tail(log)}");
    }

    private (string Program, List<string> Arguments) CommandLine()
    {
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Kind == RedisServerKind.Garnet)
        {
            var garnet = new List<string> { ServerPrograms.GarnetServerDll(), "--bind", "127.0.0.1", "--port", port, "--lua", "-m", "128m", "-i", "16m" };
            if (Password is not null)
            {
                garnet.AddRange(new[] { "--auth", "Password", "--password", Password });
            }
            if (Cluster)
            {
                // The cluster keeps its configuration (slots) in the checkpoint directory; the default native device needs libaio.
                garnet.AddRange(new[] { "--cluster", "--checkpointdir", _directory, "--device-type", "RandomAccess" });
            }
            return (ServerPrograms.DotnetHost(), garnet);
        }
        var redis = new List<string> { "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory, "--logfile", "" };
        if (Tls)
        {
            redis.AddRange(new[] { "--port", "0", "--tls-port", port, "--tls-cert-file", _certificate!, "--tls-key-file", _key!,
                "--tls-ca-cert-file", CaCertificatePath!, "--tls-auth-clients", "no" });
        }
        else
        {
            redis.AddRange(new[] { "--port", port });
        }
        if (Password is not null)
        {
            redis.AddRange(new[] { "--requirepass", Password });
        }
        if (Cluster)
        {
            // The bus port would default to port + 10000, which can be beyond 65535 or taken: name a free one.
            redis.AddRange(new[] { "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_directory, "nodes.conf"),
                "--cluster-port", _clusterBusPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (Tls)
            {
                redis.AddRange(new[] { "--tls-cluster", "yes" });
            }
        }
        return (ServerPrograms.RedisServer!, redis);
    }

    // A single node owning every slot; after a restart it still owns them (nodes.conf), so only the wait is needed.
    private void ClaimAllSlots()
    {
        using var probe = RespProbe.Connect(Port, Tls, Password, TimeSpan.FromSeconds(5));
        var nodes = probe.Send("CLUSTER", "NODES") ?? "";
        if (!nodes.Contains("0-16383"))
        {
            probe.Expect("OK", "CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        }
        var clock = Stopwatch.StartNew();
        while (!(probe.Send("CLUSTER", "INFO") ?? "").Contains("cluster_state:ok"))
        {
            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"{this}: the cluster did not reach cluster_state:ok.");
            }
            Thread.Sleep(50);
        }
    }

    // A port no server of this process has had: a server that failed to bind one must not take another's for its own.
    private static int FreePort()
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (PortsHandedOut)
            {
                if (PortsHandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static string Tail(string log)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(log).Reverse().Take(15).Reverse());
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
