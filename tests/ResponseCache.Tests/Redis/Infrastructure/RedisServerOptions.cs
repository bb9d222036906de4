#nullable enable
namespace ResponseCache.Tests.Infrastructure;

/// <summary>The server programs the tests can start.</summary>
public enum RedisServerKind
{
    /// <summary>Microsoft Garnet, restored from the tests' own tool manifest (tests/servers/.config/dotnet-tools.json).</summary>
    Garnet,

    /// <summary>redis-server from PATH (Debian: apt-get install redis-server).</summary>
    Redis,
}

/// <summary>How a private server is configured.</summary>
public sealed class RedisServerOptions
{
    /// <summary>The password every client must give (redis-server: requirepass; Garnet: --auth Password).</summary>
    public string? Password { get; set; }

    /// <summary>A single-node cluster owning all 16384 slots (redis-server and Garnet).</summary>
    public bool Cluster { get; set; }

    /// <summary>TLS only, with a certificate for 127.0.0.1 issued by a throwaway CA (redis-server only).</summary>
    public bool Tls { get; set; }
}
