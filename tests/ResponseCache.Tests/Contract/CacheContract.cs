using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>
/// The cache's rules, each stated once against <see cref="ICacheBackend"/> and run on every backend by a subclass:
/// the directory engine, and a namespace on Garnet and on redis-server. A subclass opens caches on its backend, all
/// on <see cref="Clock"/>; what only one backend does (its files, its locks, its server) is tested beside it.
/// </summary>
public abstract partial class CacheContract : IDisposable
{
    /// <summary>The clock every cache of the test runs on; tests move it, never wait.</summary>
    internal abstract FakeClock Clock { get; }

    internal RecordingLog Log { get; } = new();

    /// <summary>A new, empty cache of its own on this backend.</summary>
    internal abstract ICacheBackend NewCache(TimeSpan? producerWaitTimeout = null);

    /// <summary>The same cache as another process opens it: an instance of its own, with its own counters and memory.</summary>
    internal abstract ICacheBackend SameCacheElsewhere(ICacheBackend cache);

    protected static CachePolicy Default => CachePolicy.Default;

    protected static CachePolicy Caps(int? maxEntries = null, long? maxBytes = null) => new(maxEntries: maxEntries, maxBytes: maxBytes);

    /// <summary>Room for every entry a test writes.</summary>
    protected static CachePolicy Roomy => Caps(maxEntries: 100_000);

    /// <summary>A freshness a caller asks for, as -TtlDays on a read.</summary>
    protected static CachePolicy Fresh(double ttlDays) => CachePolicy.ForTtl(ttlDays);

    /// <summary>What an entry counts against the size cap beyond its response: its name, times and the indentation around them.</summary>
    protected const int EntryOverheadBytes = 230;

    protected static void Set(ICacheBackend cache, string key, string response, CachePolicy policy = default) =>
        Set(cache, key, Responses.Json(response), policy);

    protected static void Set(ICacheBackend cache, string key, byte[] json, CachePolicy policy = default, ICacheLog? log = null) =>
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>(key, json) }, policy, log ?? NullCacheLog.Instance, CancellationToken.None);

    protected static string? Get(ICacheBackend cache, string key, CachePolicy policy = default) =>
        Responses.Text(cache.Get(key, policy, NullCacheLog.Instance));

    protected static byte[]? GetOrAdd(ICacheBackend cache, string key, Func<byte[]?> produce, CachePolicy policy = default, bool refresh = false, CancellationToken cancellation = default) =>
        cache.GetOrAdd(key, policy, refresh, produce, NullCacheLog.Instance, cancellation);

    /// <summary>Stores the keys in order, one second apart, so the first is the least recently used.</summary>
    protected void SetOneSecondApart(ICacheBackend cache, CachePolicy policy, params string[] keys) =>
        SetOneSecondApart(cache, policy, key => Responses.Json("answer to " + key), keys);

    protected void SetOneSecondApart(ICacheBackend cache, CachePolicy policy, Func<string, byte[]> response, params string[] keys)
    {
        foreach (string key in keys)
        {
            Set(cache, key, response(key), policy);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The entries' key hashes as the cache lists them: least recently used first.</summary>
    protected static List<string> Listed(ICacheBackend cache, CachePolicy policy = default) =>
        cache.ListEntries(policy, NullCacheLog.Instance).Select(entry => entry.KeyHash).ToList();

    protected static List<string> Hashes(params string[] keys) => keys.Select(HashOf).ToList();

    protected static string HashOf(string key) => KeyHash.Compute(key).ToString();

    protected static CacheStatistics Stats(ICacheBackend cache, CachePolicy policy = default) => cache.GetStatistics(policy, NullCacheLog.Instance);

    protected static CacheConfigurationChange Configure(ICacheBackend cache, int? maxEntries = null, long? maxBytes = null, double? ttlDays = null, bool preview = false) =>
        cache.Configure(maxEntries, maxBytes, ttlDays, preview, NullCacheLog.Instance, CancellationToken.None);

    protected static CacheConfiguration ConfigurationOf(ICacheBackend cache) => cache.GetConfiguration(NullCacheLog.Instance);

    protected static int RemoveExpired(ICacheBackend cache, CachePolicy policy = default) => cache.RemoveExpired(policy, NullCacheLog.Instance, CancellationToken.None);

    protected static IReadOnlyList<StoredResponse> Export(ICacheBackend cache) => cache.Export(NullCacheLog.Instance, CancellationToken.None);

    protected static int Import(ICacheBackend cache, params StoredResponse[] entries) => cache.Import(entries, NullCacheLog.Instance, CancellationToken.None);

    /// <summary>The clock's time as the caches write it: Unix seconds.</summary>
    protected double NowSeconds => (Clock.Now.UtcTicks - DateTimeOffset.FromUnixTimeSeconds(0).UtcTicks) / (double)TimeSpan.TicksPerSecond;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
