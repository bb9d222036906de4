using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// One namespace on a Redis server: the cache every process and host that names it shares. Each operation is one
/// server-side script (see <see cref="RedisScripts"/>), so caps hold exactly however many writers there are. A server
/// that cannot be reached makes reads misses (with one warning per outage) and explicit changes
/// <see cref="CacheUnavailableException"/>s.
/// </summary>
internal sealed class RedisCacheBackend : ICacheBackend
{
    private const int ImportSlice = 500;

    private readonly RedisConnection _connection;
    private readonly RedisNamespaceKeys _keys;
    private readonly RedisCacheOptions _options;
    private readonly IClock _clock;
    private readonly SingleFlight _producers;
    private long _hits;
    private long _misses;
    private long _evictions;
    private CacheConfiguration? _knownConfiguration;

    public RedisCacheBackend(RedisConnection connection, RedisNamespaceKeys keys, RedisCacheOptions options)
    {
        _keys = keys;
        _connection = connection;
        _options = options;
        _clock = options.Clock;
        _producers = new SingleFlight(options.ProducerWaitTimeout);
        Location = $"{connection.Server} namespace '{keys.Name}'";
    }

    public string Location { get; }

    public byte[]? Get(string key, CachePolicy policy, ICacheLog log)
    {
        KeyHash hash = KeyHash.Compute(key);
        try
        {
            ApplyCaps(policy, log, CancellationToken.None);
            RedisResult[] result = Lookup(hash, policy, Counting.HitOrMiss, minCreated: null, lockToken: null);
            _connection.ReportSuccess();
            return Counted(hash, result, log);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            _connection.ReportOutage(Location, ex, log, "the lookup is a miss.");
            Interlocked.Increment(ref _misses);
            return null;
        }
    }

    public byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog log, CancellationToken cancellation)
    {
        KeyHash hash = KeyHash.Compute(key);
        bool reachable = true;
        try
        {
            ApplyCaps(policy, log, cancellation);
            if (!refresh && Lookup(hash, policy, Counting.HitOrProduce, minCreated: null, lockToken: null) is { Length: 2 } found)
            {
                _connection.ReportSuccess();
                return Counted(hash, found, log);
            }
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            _connection.ReportOutage(Location, ex, log, "the response is produced without the cache.");
            reachable = false;
        }

        if (_producers.TryRun(hash, cancellation, () => reachable ? ProduceOnce(key, hash, policy, refresh, produce, log, cancellation) : ProduceWithoutCache(produce), out byte[]? response))
        {
            return response;
        }

        CountLookup(hit: response is not null);
        log.Verbose(response is null
            ? $"The run this call waited for produced nothing to cache for key {hash.ToShortString()}."
            : $"Using the response another caller just produced for key {hash.ToShortString()}.");
        return response;
    }

    public void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog log, CancellationToken cancellation)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        var entries = new List<KeyValuePair<string, byte[]>>(items.Count);
        foreach (KeyValuePair<string, byte[]> item in items)
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                throw new ArgumentException("A cache key must not be null or empty.", nameof(items));
            }

            entries.Add(new KeyValuePair<string, byte[]>(item.Key, item.Value ?? throw new ArgumentNullException(nameof(items), "A response must not be null.")));
        }

        if (entries.Count == 0 && !policy.ChangesCaps)
        {
            return;
        }

        Explicitly(() => Store(entries, policy, lockToken: null, lockKey: null, log, cancellation));
    }

    public int RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation)
    {
        if (hashes.Count == 0)
        {
            return 0;
        }

        return Explicitly(() =>
        {
            int removed = (int)ChangeNamespace(RedisScripts.Remove, null, hashes.Select(hash => (RedisValue)hash.ToString()), cancellation)[0];
            log.Verbose($"Removed {removed} of {hashes.Count} entries from {Location}.");
            return removed;
        });
    }

    public int RemoveExpired(CachePolicy policy, ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        ApplyCaps(policy, log, cancellation);
        int removed = (int)ChangeNamespace(RedisScripts.RemoveExpired, null, new[] { Seconds(policy.TtlDays * 86400) }, cancellation)[0];
        log.Verbose($"Removed {removed} expired entries from {Location}.");
        return removed;
    });

    public int Clear(ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        int removed = (int)ChangeNamespace(RedisScripts.Clear, null, Array.Empty<RedisValue>(), cancellation)[0];
        log.Verbose($"Removed all {removed} entries from {Location}.");
        return removed;
    });

    public IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog log) => Explicitly(() =>
    {
        ApplyCaps(policy, log, CancellationToken.None);
        Inventory inventory = TakeInventory(includeResponses: false);
        double ttlSeconds = policy.FreshnessSeconds(inventory.Configuration);
        double now = UnixTime.ToSeconds(_clock.Now);
        return inventory.Entries
            .Select(entry => new CacheEntryInfo(entry.Stored.Key, entry.Stored.CreatedAt, entry.Stored.LastAccessed, entry.Size, entry.Stored.TextLength, entry.Stored.Timestamp, ttlSeconds, now, this))
            .ToList();
    });

    public CacheStatistics GetStatistics(CachePolicy policy, ICacheLog log) => Explicitly(() =>
    {
        ApplyCaps(policy, log, CancellationToken.None);
        Inventory inventory = TakeInventory(includeResponses: false);
        CacheConfiguration configuration = inventory.Configuration;
        double ttlSeconds = policy.FreshnessSeconds(configuration);
        double now = UnixTime.ToSeconds(_clock.Now);
        int expired = inventory.Entries.Count(entry => CacheEntry.IsExpired(entry.Stored.CreatedAt, now, ttlSeconds));
        long hits = Interlocked.Read(ref _hits);
        long misses = Interlocked.Read(ref _misses);
        return new CacheStatistics
        {
            TotalEntries = inventory.Entries.Count,
            ExpiredEntries = expired,
            ActiveEntries = inventory.Entries.Count - expired,
            MaxEntries = configuration.MaxEntries,
            MaxSizeMB = configuration.MaxSizeMB,
            TtlDays = configuration.TtlDays,
            Location = Location,
            SharedHits = inventory.SharedHits,
            SharedMisses = inventory.SharedMisses,
            CacheSizeKB = Math.Round(inventory.Entries.Sum(entry => entry.Size) / 1024.0, 2),
            Hits = hits,
            Misses = misses,
            HitRatio = hits + misses == 0 ? 0 : (double)hits / (hits + misses),
            Evictions = Interlocked.Read(ref _evictions),
        };
    });

    public CacheConfiguration GetConfiguration(ICacheLog log) => Explicitly(() =>
    {
        RedisValue[] values = _connection.Database.HashGet(_keys.Config, new RedisValue[] { "max_entries", "max_bytes", "ttl_days" });
        _connection.ReportSuccess();
        return Remember(ParseConfiguration(values[0], values[1], values[2]));
    });

    public CacheConfigurationChange Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation)
    {
        // Validates the values before anything is sent.
        _ = CacheConfiguration.Default.With(maxEntries, maxBytes, ttlDays);
        return Explicitly(() => ConfigureNow(maxEntries, maxBytes, ttlDays, preview, log, cancellation));
    }

    /// <summary>Every hit writes its recency at once: nothing waits in memory.</summary>
    public void Flush(ICacheLog log)
    {
    }

    public IReadOnlyList<StoredResponse> Export(ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        Inventory inventory = TakeInventory(includeResponses: true);
        double now = UnixTime.ToSeconds(_clock.Now);
        double ttlSeconds = inventory.Configuration.TtlSeconds;
        return inventory.Entries
            .Select(entry => entry.Stored)
            .Where(entry => !CacheEntry.IsExpired(entry.CreatedAt, now, ttlSeconds))
            .ToList();
    });

    public int Import(IReadOnlyCollection<StoredResponse> entries, ICacheLog log, CancellationToken cancellation)
    {
        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        var fields = new List<RedisValue[]>(entries.Count);
        foreach (StoredResponse entry in entries.OrderBy(entry => entry.LastAccessed ?? entry.CreatedAt ?? 0))
        {
            ResponseJson.EnsureSingleValue(entry.ResponseJson, nameof(entries));
            double? created = entry.CreatedAt is double seconds && UnixTime.IsInRange(seconds) ? seconds : null;
            double accessed = entry.LastAccessed ?? entry.CreatedAt ?? 0;
            fields.Add(new RedisValue[]
            {
                entry.Key.ToString(),
                entry.ResponseJson,
                created is double c ? Seconds(c) : RedisValue.EmptyString,
                UnixTime.IsInRange(accessed) ? (long)Math.Floor(accessed * 1000) : 0,
                entry.Timestamp ?? string.Empty,
                entry.TextLength is long length ? length.ToString(CultureInfo.InvariantCulture) : string.Empty,
            });
        }

        // In slices, least recently used first, so no one script holds the server up for long; evicting after each
        // slice leaves what evicting once at the end would, as later slices are never older than earlier ones.
        return Explicitly(() =>
        {
            int stored = 0;
            for (int start = 0; start < fields.Count; start += ImportSlice)
            {
                IEnumerable<RedisValue> slice = fields.Skip(start).Take(ImportSlice).SelectMany(entry => entry);
                RedisResult[] result = ChangeNamespace(RedisScripts.Import, null, new[] { RedisValue.EmptyString }.Concat(slice), cancellation);
                stored += (int)result[0];
                CountEvictions((int)result[1], log);
            }

            log.Verbose($"Imported {stored} entries into {Location}.");
            return stored;
        });
    }

    private enum Counting
    {
        HitOrMiss,

        /// <summary>A get-or-add's: a hit, or a miss once its lock is taken (a caller that waits for another's run did not miss).</summary>
        HitOrProduce,
    }

    /// <summary>One round trip: the entry if present and fresh (touching its recency), else optionally the producer's lock.</summary>
    private RedisResult[] Lookup(KeyHash hash, CachePolicy policy, Counting counting, double? minCreated, string? lockToken)
    {
        string hex = hash.ToString();
        DateTimeOffset now = _clock.Now;
        var keys = new RedisKey[] { _keys.Entry(hex), _keys.Recency, _keys.Config, _keys.Stats, _keys.Sequence, _keys.Lock(hex) };
        var values = new RedisValue[]
        {
            hex,
            Seconds(UnixTime.ToSeconds(now)),
            now.ToUnixTimeMilliseconds(),
            Seconds(policy.TtlDays * 86400),
            Seconds(minCreated),
            counting == Counting.HitOrMiss ? "1" : "2",
            lockToken ?? string.Empty,
            (long)_options.ProducerLockExpiry.TotalMilliseconds,
        };
        return (RedisResult[])RedisScripts.Get.Evaluate(_connection.Database, keys, values)!;
    }

    private byte[]? Counted(KeyHash hash, RedisResult[] result, ICacheLog log)
    {
        if (result.Length == 2)
        {
            CountLookup(hit: true);
            log.Verbose($"Cache hit for key {hash.ToShortString()} in {Location}.");
            return (byte[])result[1]!;
        }

        CountLookup(hit: false);
        log.Verbose($"Cache miss for key {hash.ToShortString()} in {Location}.");
        return null;
    }

    /// <summary>
    /// The cross-process half of get-or-add: this process's single flight is already held. Takes the key's lock and
    /// produces, or waits for the lock's owner elsewhere and uses its response; a lock whose owner died expires, and a
    /// waiter takes it.
    /// </summary>
    private byte[]? ProduceOnce(string key, KeyHash hash, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog log, CancellationToken cancellation)
    {
        string token = Guid.NewGuid().ToString("N");
        // A refresh takes no cached entry at first; once it waited for another caller's run, it takes what that run stored.
        double startedAt = UnixTime.ToSeconds(_clock.Now);
        double? minCreated = refresh ? double.MaxValue : null;
        DateTime deadline = DateTime.UtcNow + _options.ProducerWaitTimeout;
        TimeSpan pause = TimeSpan.FromMilliseconds(25);
        bool waited = false;
        while (true)
        {
            RedisResult[] result;
            try
            {
                result = Lookup(hash, policy, Counting.HitOrProduce, minCreated, token);
                _connection.ReportSuccess();
            }
            catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
            {
                _connection.ReportOutage(Location, ex, log, "the response is produced without the cache.");
                return ProduceWithoutCache(produce);
            }

            if (result.Length == 2)
            {
                CountLookup(hit: true);
                log.Verbose($"Using the response another caller produced for key {hash.ToShortString()} in {Location}.");
                return (byte[])result[1]!;
            }

            if ((int)result[0] == 2)
            {
                return ProduceUnderLock(key, hash, policy, token, produce, log, cancellation);
            }

            minCreated = refresh ? startedAt : null;
            if (!waited)
            {
                log.Verbose($"Another caller is producing the response for key {hash.ToShortString()} in {Location}; waiting for it.");
                waited = true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ProducerWaitTimeoutException(hash, _options.ProducerWaitTimeout);
            }

            cancellation.WaitHandle.WaitOne(pause);
            cancellation.ThrowIfCancellationRequested();
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 1.5, _options.MaxPollInterval.TotalMilliseconds));
        }
    }

    private byte[]? ProduceUnderLock(string key, KeyHash hash, CachePolicy policy, string token, Func<byte[]?> produce, ICacheLog log, CancellationToken cancellation)
    {
        RedisKey lockKey = _keys.Lock(hash.ToString());
        bool released = false;
        try
        {
            CountLookup(hit: false);
            byte[]? produced;
            using (new LockRenewal(_connection, lockKey, token, _options.ProducerLockExpiry))
            {
                produced = produce();
            }

            if (produced is not null)
            {
                try
                {
                    Store(new[] { new KeyValuePair<string, byte[]>(key, produced) }, policy, token, lockKey, log, cancellation);
                    released = true;
                }
                catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
                {
                    _connection.ReportOutage(Location, ex, log, "the response was produced but not cached.");
                }
                catch (CacheLockTimeoutException ex)
                {
                    // The response is the caller's (and its waiters') all the same: only caching it failed.
                    log.Warning($"The response for key {hash.ToShortString()} was produced but not cached: {ex.Message}");
                }
            }

            return produced;
        }
        finally
        {
            if (!released)
            {
                Release(lockKey, token);
            }
        }
    }

    private byte[]? ProduceWithoutCache(Func<byte[]?> produce)
    {
        CountLookup(hit: false);
        return produce();
    }

    private void Release(RedisKey lockKey, string token)
    {
        try
        {
            RedisScripts.ReleaseLock.Evaluate(_connection.Database, new[] { lockKey }, new RedisValue[] { token });
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // The lock expires on its own.
        }
    }

    /// <summary>Stores responses (and releases a get-or-add lock) in one script; evicts beyond the caps the policy gives or the namespace has.</summary>
    private void Store(IReadOnlyList<KeyValuePair<string, byte[]>> items, CachePolicy policy, string? lockToken, RedisKey? lockKey, ICacheLog log, CancellationToken cancellation)
    {
        DateTimeOffset now = _clock.Now;
        var values = new List<RedisValue>(4 + (items.Count * 3))
        {
            policy.MaxEntries is int maxEntries ? maxEntries.ToString(CultureInfo.InvariantCulture) : string.Empty,
            policy.MaxBytes is long maxBytes ? maxBytes.ToString(CultureInfo.InvariantCulture) : string.Empty,
            UnixTime.ToTimestamp(now),
            lockToken ?? string.Empty,
        };
        KeyHash[] hashes = items.Select(item => KeyHash.Compute(item.Key)).ToArray();
        for (int i = 0; i < items.Count; i++)
        {
            values.Add(hashes[i].ToString());
            values.Add(items[i].Value);
            values.Add(PythonText.Length(items[i].Key));
        }

        RedisResult[] result = ChangeNamespace(RedisScripts.SetMany, lockKey, values, cancellation);
        if (policy.ChangesCaps && _knownConfiguration is CacheConfiguration known)
        {
            Remember(known.With(policy.MaxEntries, policy.MaxBytes));
        }

        log.Verbose(items.Count == 1
            ? $"Cached the response for key {hashes[0].ToShortString()} in {Location}."
            : $"Cached {items.Count} responses in {Location}.");
        CountEvictions((int)result[1], log);
        long total = (long)result[2];
        long cap = (long)result[3];
        if (cap >= 0 && total > cap)
        {
            log.Warning($"The newest response takes {total:N0} bytes, more than the whole size cap of {cap:N0} bytes; it is cached until a newer entry pushes it out.");
        }
    }

    private CacheConfigurationChange ConfigureNow(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation)
    {
        var values = new RedisValue[]
        {
            maxEntries is int entries ? entries.ToString(CultureInfo.InvariantCulture) : string.Empty,
            maxBytes is long bytes ? bytes.ToString(CultureInfo.InvariantCulture) : string.Empty,
            Seconds(ttlDays),
            preview ? "1" : "0",
        };
        RedisResult[] result = preview
            ? Evaluate(RedisScripts.Configure, null, values, gateToken: string.Empty)
            : ChangeNamespace(RedisScripts.Configure, null, values, cancellation);
        CacheConfiguration previous = ParseConfiguration((RedisValue)result[1], (RedisValue)result[2], (RedisValue)result[3]);
        CacheConfiguration current = previous.With(maxEntries, maxBytes, ttlDays);
        int evicted = (int)result[0];
        if (!preview)
        {
            Remember(current);
            if (!current.Equals(previous))
            {
                log.Verbose($"The cache at {Location} is now configured with {current} (was {previous}); every call that sets no caps uses these.");
            }

            CountEvictions(evicted, log);
        }

        return new CacheConfigurationChange(previous, current, evicted);
    }

    /// <summary>A call that gives caps makes them the namespace's; caps this backend last saw cost nothing.</summary>
    private void ApplyCaps(CachePolicy policy, ICacheLog log, CancellationToken cancellation)
    {
        if (policy.ChangesCaps && !(_knownConfiguration is CacheConfiguration known && known.Equals(known.With(policy.MaxEntries, policy.MaxBytes))))
        {
            ConfigureNow(policy.MaxEntries, policy.MaxBytes, null, preview: false, log, cancellation);
        }
    }

    private CacheConfiguration Remember(CacheConfiguration configuration) => _knownConfiguration = configuration;

    /// <summary>Runs a namespace-wide change, waiting (within the gate timeout) while another writer holds the namespace's gate.</summary>
    private RedisResult[] ChangeNamespace(RedisScript script, RedisKey? extraKey, IEnumerable<RedisValue> arguments, CancellationToken cancellation)
    {
        List<RedisValue> values = arguments.ToList();
        string token = Guid.NewGuid().ToString("N");
        DateTime deadline = DateTime.UtcNow + _options.WriteGateTimeout;
        int pause = 1;
        while (true)
        {
            RedisResult[] result = Evaluate(script, extraKey, values, token);
            _connection.ReportSuccess();
            if (!IsBusy(result))
            {
                return result;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new CacheLockTimeoutException((string)_keys.Gate!, _options.WriteGateTimeout, null);
            }

            cancellation.WaitHandle.WaitOne(pause);
            cancellation.ThrowIfCancellationRequested();
            pause = Math.Min(pause * 2, 20);
        }
    }

    private static bool IsBusy(RedisResult[] result) => result.Length == 1 && (int)result[0] == -1;

    private RedisResult[] Evaluate(RedisScript script, RedisKey? extraKey, IReadOnlyList<RedisValue> arguments, string gateToken)
    {
        DateTimeOffset now = _clock.Now;
        var values = new RedisValue[4 + arguments.Count];
        values[0] = _keys.EntryPrefix;
        values[1] = gateToken;
        values[2] = Seconds(UnixTime.ToSeconds(now));
        values[3] = now.ToUnixTimeMilliseconds();
        for (int i = 0; i < arguments.Count; i++)
        {
            values[4 + i] = arguments[i];
        }

        return (RedisResult[])script.Evaluate(_connection.Database, _keys.WideKeys(extraKey), values, patient: true)!;
    }

    private Inventory TakeInventory(bool includeResponses)
    {
        var keys = new RedisKey[] { _keys.Recency, _keys.Config, _keys.Stats };
        var values = new RedisValue[] { _keys.EntryPrefix, includeResponses ? "1" : "0" };
        RedisResult[] result = (RedisResult[])RedisScripts.Inventory.Evaluate(_connection.Database, keys, values, patient: true)!;
        _connection.ReportSuccess();
        CacheConfiguration configuration = Remember(ParseConfiguration((RedisValue)result[1], (RedisValue)result[2], (RedisValue)result[0]));
        int stride = includeResponses ? 7 : 6;
        var entries = new List<InventoryEntry>((result.Length - 5) / stride);
        for (int i = 5; i + stride <= result.Length; i += stride)
        {
            if (!KeyHash.TryParse(((string)result[i]!).AsSpan(), out KeyHash hash))
            {
                continue;
            }

            long order = (long)(double)result[i + 1];
            entries.Add(new InventoryEntry(
                new StoredResponse(
                    hash,
                    includeResponses ? (byte[])result[i + 6]! : Array.Empty<byte>(),
                    createdAt: ParseDouble((RedisValue)result[i + 3]),
                    lastAccessed: order < 1024 ? null : order / 1024 / 1000.0,
                    timestamp: NullIfEmpty((string?)result[i + 4]),
                    textLength: ParseLong((RedisValue)result[i + 5])),
                size: (long)result[i + 2]));
        }

        return new Inventory(configuration, ParseLong((RedisValue)result[3]) ?? 0, ParseLong((RedisValue)result[4]) ?? 0, entries);
    }

    private void CountLookup(bool hit)
    {
        if (hit)
        {
            Interlocked.Increment(ref _hits);
        }
        else
        {
            Interlocked.Increment(ref _misses);
        }
    }

    private void CountEvictions(int evicted, ICacheLog log)
    {
        if (evicted > 0)
        {
            Interlocked.Add(ref _evictions, evicted);
            log.Verbose($"Evicted {evicted} least recently used entries from {Location}.");
        }
    }

    /// <summary>An explicit call: a server that cannot be reached is the caller's error, never a silent miss.</summary>
    private T Explicitly<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw _connection.Unavailable(Location, ex);
        }
    }

    private void Explicitly(Action call) => Explicitly(() =>
    {
        call();
        return 0;
    });

    private static CacheConfiguration ParseConfiguration(RedisValue maxEntries, RedisValue maxBytes, RedisValue ttlDays) => new CacheConfiguration(
        (int?)ParseLong(maxEntries) ?? CacheConfiguration.DefaultMaxEntries,
        ParseLong(maxBytes),
        ParseDouble(ttlDays) ?? CacheConfiguration.DefaultTtlDays);

    private static RedisValue Seconds(double? seconds) =>
        seconds is double value ? value.ToString("R", CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    private static double? ParseDouble(RedisValue value) =>
        !value.IsNullOrEmpty && double.TryParse((string?)value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;

    private static long? ParseLong(RedisValue value) =>
        !value.IsNullOrEmpty && long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private sealed class Inventory
    {
        public Inventory(CacheConfiguration configuration, long sharedHits, long sharedMisses, IReadOnlyList<InventoryEntry> entries)
        {
            Configuration = configuration;
            SharedHits = sharedHits;
            SharedMisses = sharedMisses;
            Entries = entries;
        }

        public CacheConfiguration Configuration { get; }

        public long SharedHits { get; }

        public long SharedMisses { get; }

        public IReadOnlyList<InventoryEntry> Entries { get; }
    }

    /// <summary>An entry as the namespace holds it (its response empty unless asked for), and what it counts against the size cap.</summary>
    private sealed class InventoryEntry
    {
        public InventoryEntry(StoredResponse stored, long size)
        {
            Stored = stored;
            Size = size;
        }

        public StoredResponse Stored { get; }

        public long Size { get; }
    }
}
