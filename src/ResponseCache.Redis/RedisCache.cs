using ResponseCache.Core;

namespace ResponseCache.Redis;

/// <summary>A cache in a Redis namespace: the cache's rules (<see cref="CacheService"/>) over the namespace's store and its cross-process producer lock.</summary>
internal sealed class RedisCache : CacheService
{
    public RedisCache(RedisConnection connection, RedisNamespaceKeys keys, RedisCacheOptions options)
        : this(new RedisStore(connection, keys, options), options)
    {
    }

    private RedisCache(RedisStore store, RedisCacheOptions options)
        : base(store, new RedisProducerLock(store, options), options.Clock, options.ProducerWaitTimeout)
    {
    }

    /// <summary>Whether the other cache is this namespace on this server and database, reached through another connection.</summary>
    internal bool IsSameNamespaceAs(RedisCache other) => ((RedisStore)Store).IsSameNamespaceAs((RedisStore)other.Store);
}
