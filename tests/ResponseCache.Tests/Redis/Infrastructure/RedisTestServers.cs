#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// The Redis-protocol servers the tests run against: Garnet always (restored from the tests' own tool manifest),
/// redis-server whenever it is on PATH. Shared servers start on first use and live until the test process ends;
/// private ones belong to the test that starts them (dispose them). Every server is stopped when the process exits.
/// </summary>
public static class RedisTestServers
{
    private static readonly object Gate = new();
    private static readonly HashSet<RedisTestServer> Running = new();
    private static readonly Lazy<IReadOnlyList<RedisTestServer>> SharedServers = new(StartShared);
    private static bool _exitHandlerRegistered;

    /// <summary>The kinds this machine can start: Garnet, plus Redis when redis-server is on PATH.</summary>
    public static IReadOnlyList<RedisServerKind> Kinds { get; } =
        ServerPrograms.RedisServer is null
            ? new[] { RedisServerKind.Garnet }
            : new[] { RedisServerKind.Garnet, RedisServerKind.Redis };

    /// <summary>The names of the shared servers ("garnet-server 2.2.8", "redis-server 7.0.15"), known without starting them.</summary>
    public static IReadOnlyList<string> Names => Kinds.Select(NameOf).ToList();

    /// <summary>One running server of each kind, shared by every test in the process (started on first use).</summary>
    public static IReadOnlyList<RedisTestServer> Shared => SharedServers.Value;

    /// <summary>The shared server with this name (one of Names).</summary>
    public static RedisTestServer Get(string name) =>
        Shared.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"No shared server is named '{name}'; there are: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>A server of its own for a test that stops it, restarts it, or needs a password, a cluster or TLS.</summary>
    public static RedisTestServer StartPrivate(RedisServerKind kind, RedisServerOptions? options = null) =>
        new(kind, options ?? new RedisServerOptions());

    /// <summary>The shared server of this kind.</summary>
    public static RedisTestServer Get(RedisServerKind kind) => Get(NameOf(kind));

    /// <summary>The name of a kind's server, as in Names.</summary>
    public static string NameOf(RedisServerKind kind) =>
        kind == RedisServerKind.Garnet ? ServerPrograms.GarnetName : ServerPrograms.RedisName!;

    private static IReadOnlyList<RedisTestServer> StartShared()
    {
        var servers = Kinds.Select(kind => StartPrivate(kind)).ToList();
        Console.WriteLine("Redis test servers: " + string.Join("; ", servers));
        return servers;
    }

    internal static void Track(RedisTestServer server)
    {
        lock (Gate)
        {
            Running.Add(server);
            if (!_exitHandlerRegistered)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
                _exitHandlerRegistered = true;
            }
        }
    }

    internal static void Forget(RedisTestServer server)
    {
        lock (Gate)
        {
            Running.Remove(server);
        }
    }

    private static void StopAll()
    {
        RedisTestServer[] servers;
        lock (Gate)
        {
            servers = Running.ToArray();
        }
        foreach (var server in servers)
        {
            server.Dispose();
        }
    }
}
