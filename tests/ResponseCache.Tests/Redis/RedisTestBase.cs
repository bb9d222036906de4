using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

/// <summary>
/// Each test works in namespaces of its own on the shared servers; each backend it opens has a connection of its own,
/// as another process would. A direct connection lets a test look at the server as a user's redis-cli would.
/// </summary>
public abstract class RedisTestBase : IDisposable
{
    private readonly List<IDisposable> _disposables = new();
    private readonly Dictionary<RedisCache, (RedisConnection Connection, RedisCacheOptions Options)> _opened = new();

    /// <summary>A fake clock at the real time: the server's expiry is absolute and runs on the real clock.</summary>
    internal FakeClock Clock { get; } = new(DateTimeOffset.Now);

    internal static CachePolicy Default => CachePolicy.Default;

    internal static string NewNamespace() => "test-" + Guid.NewGuid().ToString("N").Substring(0, 12);

    internal RedisCache Open(string server, string @namespace, Action<RedisCacheOptions>? configure = null) =>
        OpenAt(RedisTestServers.Get(server).Endpoint, @namespace, configure);

    internal RedisCache OpenAt(string connectionString, string @namespace, Action<RedisCacheOptions>? configure = null, string? user = null, string? password = null)
    {
        // Two cores run the suite beside the servers: five seconds, not the default one, before a command counts as lost.
        var options = new RedisCacheOptions { Clock = Clock, Timeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        RedisCache backend = RedisCaches.OpenPrivate(connectionString, @namespace, options, out IDisposable connection, user, password);
        _disposables.Add(connection);
        _opened.Add(backend, ((RedisConnection)connection, options));
        return backend;
    }

    /// <summary>Another namespace on the same connection as <paramref name="cache"/>, as RedisCaches.Open shares one per server.</summary>
    internal RedisCache OpenBeside(RedisCache cache, string @namespace)
    {
        (RedisConnection connection, RedisCacheOptions options) = _opened[cache];
        var backend = new RedisCache(connection, new RedisNamespaceKeys(@namespace), options);
        _opened.Add(backend, (connection, options));
        return backend;
    }

    /// <summary>A plain client on the server, for looking at what the backend wrote.</summary>
    internal IDatabase Direct(string server, string? password = null) => DirectAt(RedisTestServers.Get(server).Endpoint, password);

    internal IDatabase DirectAt(string endpoint, string? password = null)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.Password = password;
        options.AllowAdmin = true;
        ConnectionMultiplexer multiplexer = ConnectionMultiplexer.Connect(options);
        _disposables.Add(multiplexer);
        return multiplexer.GetDatabase();
    }

    /// <summary>The namespace's entry keys as they are on the server (a SCAN a test may do, the backend never).</summary>
    internal static int EntryKeysOnServer(IDatabase direct, string @namespace)
    {
        IServer server = direct.Multiplexer.GetServers().Single();
        return server.Keys(pattern: "rc:{" + @namespace + "}:e:*", pageSize: 1000).Count();
    }

    internal static void Set(ICacheBackend cache, string key, string response, CachePolicy policy = default) =>
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>(key, Responses.Json(response)) }, policy, NullCacheLog.Instance, CancellationToken.None);

    internal static string? Get(ICacheBackend cache, string key, CachePolicy policy = default) =>
        Responses.Text(cache.Get(key, policy, NullCacheLog.Instance));

    internal static List<string> KeyHashesOldestFirst(ICacheBackend cache) =>
        cache.ListEntries(Default, NullCacheLog.Instance).Select(entry => entry.KeyHash).ToList();

    internal static string HashOf(string key) => KeyHash.Compute(key).ToString();

    public void Dispose()
    {
        foreach (IDisposable disposable in Enumerable.Reverse(_disposables))
        {
            disposable.Dispose();
        }
    }
}
