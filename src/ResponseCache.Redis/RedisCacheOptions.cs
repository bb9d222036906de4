using System;
using ResponseCache.Core;

namespace ResponseCache.Redis;

/// <summary>How a Redis cache meets the world: its clock and its patience. The defaults suit the cmdlets.</summary>
public sealed class RedisCacheOptions
{
    public IClock Clock { get; set; } = SystemClock.Instance;

    /// <summary>A wait for another caller's producer of the same key (in any process) ends here.</summary>
    public TimeSpan ProducerWaitTimeout { get; set; } = DirectoryCacheOptions.DefaultProducerWaitTimeout;

    /// <summary>How long a get-or-add lock outlives a producer that stopped renewing it (its process died).</summary>
    public TimeSpan ProducerLockExpiry { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a change waits for another writer's change of the same namespace.</summary>
    public TimeSpan WriteGateTimeout { get; set; } = DirectoryCacheOptions.DefaultLockTimeout;

    /// <summary>The longest pause between two looks at another caller's producer.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The connect timeout and a lookup's command timeout, unless the connection string sets its own (connectTimeout, syncTimeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a change or a listing may take on a server that answers, unless the connection string sets its own
    /// (asyncTimeout): a namespace of many entries, or a batch of many responses, outlasts a lookup's second. A server
    /// that cannot be reached still fails them at once.
    /// </summary>
    public TimeSpan ChangeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long every cache on a connection stops asking its server once a command on it timed out (a circuit
    /// breaker): calls fail at once meanwhile (lookups are misses, changes CacheUnavailable), then the server is tried
    /// again. The connection's first cache decides it, with its clock.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);
}
