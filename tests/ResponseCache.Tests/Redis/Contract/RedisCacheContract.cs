using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Contract;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis.Contract;

/// <summary>
/// The contract on a shared Redis-protocol server: each cache a namespace of its own, each instance a connection of
/// its own. The server expires entries on the real clock at creation plus TTL, so the fake clock starts at the real
/// time and the tests move it forward by at most a TTL or two, long before any such expiry.
/// </summary>
public abstract class RedisCacheContract : CacheContract
{
    private readonly Connections _connections = new();
    private readonly Dictionary<ICacheBackend, string> _namespaces = new();

    protected RedisCacheContract()
    {
        // Whole seconds, as the directory tests' clock: a time of day in ticks makes "exactly a TTL old" a matter of
        // how two Unix times round to doubles (see An_entry_exactly_as_old_as_the_ttl_is_still_served).
        Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (Clock.Now.UtcTicks % TimeSpan.TicksPerSecond)));
    }

    internal override FakeClock Clock => _connections.Clock;

    internal abstract RedisServerKind Kind { get; }

    internal override ICacheBackend NewCache(TimeSpan? producerWaitTimeout = null) => Open(RedisTestBase.NewNamespace(), producerWaitTimeout);

    internal override ICacheBackend SameCacheElsewhere(ICacheBackend cache) => Open(_namespaces[cache], null);

    private ICacheBackend Open(string @namespace, TimeSpan? producerWaitTimeout)
    {
        RedisCache backend = _connections.Open(RedisTestServers.NameOf(Kind), @namespace, options =>
        {
            if (producerWaitTimeout is TimeSpan timeout)
            {
                options.ProducerWaitTimeout = timeout;
            }
        });
        _namespaces[backend] = @namespace;
        return backend;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connections.Dispose();
        }
    }

    private sealed class Connections : RedisTestBase
    {
    }
}

public sealed class GarnetCacheContract : RedisCacheContract
{
    internal override RedisServerKind Kind => RedisServerKind.Garnet;
}

public sealed class RedisServerCacheContract : RedisCacheContract
{
    /// <summary>Read by <see cref="ContractFactDiscoverer"/>: redis-server runs only where it is installed.</summary>
    public static string? Unavailable => ServerPrograms.RedisServer is null
        ? "redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server); the contract ran on Garnet only."
        : null;

    internal override RedisServerKind Kind => RedisServerKind.Redis;
}
