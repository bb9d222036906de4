using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// One cache directory, shared by every thread of the process. A single monitor guards memory and disk; every
/// mutation also holds the directory's cross-process lock, catches up with what other processes wrote, applies
/// itself and replaces the file atomically before it returns. Hits touch memory only: their access times are
/// written at most once per flush interval, or by <see cref="FlushAccessTimes"/>.
/// </summary>
public sealed class ResponseCacheEngine
{
    private readonly object _gate = new object();
    private readonly SnapshotStore _store;
    private readonly IClock _clock;
    private readonly TimeSpan _accessFlushInterval;
    private readonly LruIndex _index = new LruIndex();

    // Access times of hits not yet on disk, re-applied if another process's write forces a reload first.
    private readonly Dictionary<KeyHash, double> _pendingAccess = new Dictionary<KeyHash, double>();
    private readonly SingleFlight _producers = new SingleFlight();

    private bool _loaded;
    private long _seenGeneration;
    private FileSignature _seenSignature;
    private DateTimeOffset _lastSave;
    private long _hits;
    private long _misses;
    private long _evictions;

    public ResponseCacheEngine(string directory, CacheEngineOptions? options = null)
    {
        if (string.IsNullOrEmpty(directory))
        {
            throw new ArgumentException("The cache directory must be given.", nameof(directory));
        }

        options ??= new CacheEngineOptions();
        Directory = directory;
        _clock = options.Clock;
        _accessFlushInterval = options.AccessFlushInterval;
        _store = new SnapshotStore(directory, options.FileSystem, options.LockTimeout);
        _lastSave = _clock.Now;
    }

    public string Directory { get; }

    public string CacheFilePath => _store.CacheFilePath;

    /// <summary>The cached response's JSON, or null on a miss. An expired entry is removed from the file and is a miss.</summary>
    public byte[]? Get(string key, CachePolicy policy, ICacheLog? log = null) =>
        Get(KeyHash.Compute(key), policy, log ?? NullCacheLog.Instance);

    /// <summary>
    /// Get-or-add: the cached response, or else the one <paramref name="produce"/> returns (null: nothing to cache),
    /// cached before it is returned. Callers for the same key on other threads wait for the running producer
    /// instead of producing too; if it fails or produces nothing, the next waiter produces.
    /// With <paramref name="refresh"/> the cache is not consulted first, but a refresh that finished while waiting counts.
    /// </summary>
    public byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        KeyHash hash = KeyHash.Compute(key);
        log ??= NullCacheLog.Instance;
        bool waited = false;
        while (true)
        {
            if ((!refresh || waited) && Get(hash, policy, log) is byte[] cached)
            {
                return cached;
            }

            if (_producers.TryOwnOrWait(hash, cancellation))
            {
                break;
            }

            waited = true;
        }

        try
        {
            // Another producer may have finished between this caller's miss and its taking ownership.
            if (!refresh && Peek(hash, policy) is byte[] justCached)
            {
                return justCached;
            }

            byte[]? produced = produce();
            if (produced is not null)
            {
                Store(new[] { PrepareItem(key, produced, hash) }, policy, log);
            }

            return produced;
        }
        finally
        {
            _producers.Complete(hash);
        }
    }

    private byte[]? Get(KeyHash hash, CachePolicy policy, ICacheLog log)
    {
        lock (_gate)
        {
            RefreshIfChanged(log);
            double now = UnixTime.ToSeconds(_clock.Now);
            if (!_index.TryGet(hash, out CacheEntry entry))
            {
                _misses++;
                log.Verbose($"Cache miss for key {hash.ToShortString()}.");
                return null;
            }

            if (entry.IsExpired(now, policy.TtlSeconds) && !TryRemoveExpired(hash, policy, log, out entry))
            {
                _misses++;
                log.Verbose($"Cache miss for key {hash.ToShortString()}: the entry was older than {policy.TtlDays} days and was removed.");
                return null;
            }

            entry.LastAccessed = now;
            _index.Touch(entry);
            _pendingAccess[hash] = now;
            _hits++;
            log.Verbose($"Cache hit for key {hash.ToShortString()}: using the response cached at {entry.Timestamp ?? "an unknown time"}.");
            if (_clock.Now - _lastSave >= _accessFlushInterval)
            {
                FlushAfterHit(log);
            }

            return entry.ResponseJson;
        }
    }

    /// <summary>Stores one response (compact JSON) and evicts least recently used entries beyond the policy's cap.</summary>
    public void Set(string key, byte[] responseJson, CachePolicy policy, ICacheLog? log = null) =>
        SetMany(new[] { new KeyValuePair<string, byte[]>(key, responseJson) }, policy, log);

    /// <summary>Stores many responses with one lock and one write: what a pipeline into Set-CachedResponse needs.</summary>
    public void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog? log = null)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        var prepared = new List<PreparedItem>(items.Count);
        foreach (KeyValuePair<string, byte[]> item in items)
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                throw new ArgumentException("A cache key must not be null or empty.", nameof(items));
            }

            prepared.Add(PrepareItem(item.Key, item.Value, KeyHash.Compute(item.Key)));
        }

        Store(prepared, policy, log ?? NullCacheLog.Instance);
    }

    /// <summary>Removes one entry; false when there was none.</summary>
    public bool Remove(string key, ICacheLog? log = null) => RemoveMany(new[] { KeyHash.Compute(key) }, log) == 1;

    /// <summary>Removes entries by key hash with one write; returns how many were there.</summary>
    public int RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog? log = null)
    {
        if (hashes.Count == 0)
        {
            return 0;
        }

        lock (_gate)
        {
            int removed = 0;
            Mutate(log ?? NullCacheLog.Instance, () =>
            {
                foreach (KeyHash hash in hashes)
                {
                    _pendingAccess.Remove(hash);
                    if (_index.Remove(hash))
                    {
                        removed++;
                    }
                }

                return removed > 0;
            });
            return removed;
        }
    }

    /// <summary>Removes every entry older than the policy's TTL; returns how many.</summary>
    public int RemoveExpired(CachePolicy policy, ICacheLog? log = null)
    {
        lock (_gate)
        {
            int removed = 0;
            Mutate(log ?? NullCacheLog.Instance, () =>
            {
                double now = UnixTime.ToSeconds(_clock.Now);
                List<CacheEntry> expired = _index.OldestFirst().Where(entry => entry.IsExpired(now, policy.TtlSeconds)).ToList();
                foreach (CacheEntry entry in expired)
                {
                    _index.Remove(entry.Key);
                    _pendingAccess.Remove(entry.Key);
                }

                removed = expired.Count;
                return removed > 0;
            });
            return removed;
        }
    }

    /// <summary>Every entry's metadata, least recently used first; responses are not decoded.</summary>
    public IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog? log = null)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            double now = UnixTime.ToSeconds(_clock.Now);
            var entries = new List<CacheEntryInfo>(_index.Count);
            foreach (CacheEntry entry in _index.OldestFirst())
            {
                entries.Add(new CacheEntryInfo(entry, policy.TtlSeconds, now, CacheFilePath));
            }

            return entries;
        }
    }

    /// <summary>Empties the cache (the file becomes an empty object, as the reference's clear() leaves it); returns how many entries went.</summary>
    public int Clear(ICacheLog? log = null)
    {
        lock (_gate)
        {
            int removed = 0;
            Mutate(log ?? NullCacheLog.Instance, () =>
            {
                removed = _index.Count;
                _index.Clear();
                _pendingAccess.Clear();
                return true;
            });
            return removed;
        }
    }

    public CacheStatistics GetStatistics(CachePolicy policy, ICacheLog? log = null)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            double now = UnixTime.ToSeconds(_clock.Now);
            int expired = _index.OldestFirst().Count(entry => entry.IsExpired(now, policy.TtlSeconds));
            FileSignature file = _store.Probe();
            long lookups = _hits + _misses;
            return new CacheStatistics
            {
                TotalEntries = _index.Count,
                ExpiredEntries = expired,
                ActiveEntries = _index.Count - expired,
                MaxEntries = policy.MaxEntries,
                TtlDays = policy.TtlDays,
                CacheFile = CacheFilePath,
                CacheSizeKB = Math.Round(file.Length / 1024.0, 2),
                Hits = _hits,
                Misses = _misses,
                HitRatio = lookups == 0 ? 0 : (double)_hits / lookups,
                Evictions = _evictions,
            };
        }
    }

    /// <summary>Writes the access times of hits that are still only in memory.</summary>
    public void FlushAccessTimes(ICacheLog? log = null)
    {
        lock (_gate)
        {
            if (_pendingAccess.Count > 0)
            {
                Mutate(log ?? NullCacheLog.Instance, () => false);
            }
        }
    }

    private static PreparedItem PrepareItem(string key, byte[] responseJson, KeyHash hash)
    {
        ResponseJson.EnsureSingleValue(responseJson ?? throw new ArgumentNullException(nameof(responseJson), "A response must not be null."), nameof(responseJson));
        return new PreparedItem(hash, PythonText.Length(key), responseJson);
    }

    private void Store(IReadOnlyList<PreparedItem> items, CachePolicy policy, ICacheLog log)
    {
        if (items.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            Mutate(log, () =>
            {
                DateTimeOffset now = _clock.Now;
                double seconds = UnixTime.ToSeconds(now);
                string timestamp = UnixTime.ToTimestamp(now);
                foreach (PreparedItem item in items)
                {
                    _index.Put(new CacheEntry(item.Hash, item.Json)
                    {
                        Timestamp = timestamp,
                        CreatedAt = seconds,
                        LastAccessed = seconds,
                        TextLength = item.TextLength,
                    });
                    _pendingAccess.Remove(item.Hash);
                }

                EvictBeyond(policy, log);
                return true;
            });
        }

        log.Verbose(items.Count == 1
            ? $"Cached the response for key {items[0].Hash.ToShortString()}."
            : $"Cached {items.Count} responses.");
    }

    /// <summary>The cached response if present and fresh, without counting a lookup or touching recency.</summary>
    private byte[]? Peek(KeyHash hash, CachePolicy policy)
    {
        lock (_gate)
        {
            RefreshIfChanged(NullCacheLog.Instance);
            return _index.TryGet(hash, out CacheEntry entry) && !entry.IsExpired(UnixTime.ToSeconds(_clock.Now), policy.TtlSeconds)
                ? entry.ResponseJson
                : null;
        }
    }

    private bool TryRemoveExpired(KeyHash hash, CachePolicy policy, ICacheLog log, out CacheEntry current)
    {
        CacheEntry? fresh = null;
        Mutate(log, () =>
        {
            // Another process may have renewed the entry since this one last looked.
            if (_index.TryGet(hash, out CacheEntry candidate) && !candidate.IsExpired(UnixTime.ToSeconds(_clock.Now), policy.TtlSeconds))
            {
                fresh = candidate;
                return false;
            }

            _pendingAccess.Remove(hash);
            return _index.Remove(hash);
        });
        current = fresh!;
        return fresh is not null;
    }

    private void FlushAfterHit(ICacheLog log)
    {
        try
        {
            Mutate(log, () => false);
        }
        catch (Exception ex) when (ex is CacheStorageException || ex is CacheLockTimeoutException)
        {
            log.Warning($"The access times of recent hits could not be written yet and will be tried again: {ex.Message}");
        }
    }

    /// <summary>
    /// Evicts least recently used entries until both caps hold. The size cap never evicts the newest entry: a
    /// response larger than the whole cap is still cached (with a warning) rather than silently dropped.
    /// </summary>
    private void EvictBeyond(CachePolicy policy, ICacheLog log)
    {
        while (_index.Oldest is CacheEntry oldest
            && (_index.Count > policy.MaxEntries || (_index.TotalBytes > policy.MaxBytes && _index.Count > 1)))
        {
            _index.Remove(oldest.Key);
            _pendingAccess.Remove(oldest.Key);
            _evictions++;
            log.Verbose($"Evicted key {oldest.Key.ToShortString()} (least recently used).");
        }

        if (_index.TotalBytes > policy.MaxBytes)
        {
            log.Warning($"The newest response takes {_index.TotalBytes:N0} bytes, more than the whole size cap of {policy.MaxBytes:N0} bytes; it is cached until a newer entry pushes it out.");
        }
    }

    /// <summary>Reloads when a stat shows the file changed; a hit on an unchanged cache costs one stat.</summary>
    private void RefreshIfChanged(ICacheLog log)
    {
        if (_loaded && _store.Probe() == _seenSignature)
        {
            return;
        }

        using FileLock fileLock = _store.AcquireLock();
        if (CatchUp(fileLock, log))
        {
            Save(fileLock);
        }
    }

    /// <summary>Runs a change under the cross-process lock on up-to-date state and writes the result.</summary>
    private void Mutate(ICacheLog log, Func<bool> change)
    {
        using FileLock fileLock = _store.AcquireLock();
        bool mustRewrite = CatchUp(fileLock, log);
        bool changed = change();
        if (changed || mustRewrite || _pendingAccess.Count > 0)
        {
            Save(fileLock);
        }
    }

    /// <summary>Reloads if another process wrote since this one last looked; true when the file must be rewritten (damaged, or a BOM).</summary>
    private bool CatchUp(FileLock fileLock, ICacheLog log)
    {
        FileSignature signature = _store.Probe();
        if (_loaded && fileLock.Generation == _seenGeneration && signature == _seenSignature)
        {
            return false;
        }

        SnapshotContent content = _store.Load();
        _store.RemoveAbandonedTempFiles();
        bool mustRewrite = content.HasByteOrderMark;
        if (content.IsDamaged)
        {
            string aside = _store.SetAside(_clock.Now);
            log.Warning($"The cache file '{CacheFilePath}' was damaged ({content.Damage}). It was kept as '{aside}' and {content.Entries.Count} sound entries were recovered.");
            mustRewrite = true;
        }

        Rebuild(content.Entries);
        _loaded = true;
        _seenGeneration = fileLock.Generation;
        _seenSignature = signature;
        return mustRewrite;
    }

    private void Rebuild(List<CacheEntry> entries)
    {
        _index.Clear();
        var stillPending = new Dictionary<KeyHash, double>();
        foreach (CacheEntry entry in entries)
        {
            if (_pendingAccess.TryGetValue(entry.Key, out double accessed) && accessed > (entry.LastAccessed ?? double.MinValue))
            {
                entry.LastAccessed = accessed;
                stillPending[entry.Key] = accessed;
            }
        }

        _pendingAccess.Clear();
        foreach (KeyValuePair<KeyHash, double> pending in stillPending)
        {
            _pendingAccess[pending.Key] = pending.Value;
        }

        // OrderBy is stable: entries with equal times keep their file order, which is the order they were written in.
        foreach (CacheEntry entry in entries.OrderBy(entry => entry.RecencyKey))
        {
            _index.Put(entry);
        }
    }

    private void Save(FileLock fileLock)
    {
        try
        {
            fileLock.BumpGeneration();
            _store.Save(_index.OldestFirst());
        }
        catch (Exception ex)
        {
            // Memory now holds a change the disk does not: forget it, and read the disk again next time.
            _loaded = false;
            if (ex is IOException && ex is not CacheStorageException)
            {
                throw new CacheStorageException($"Could not update the cache lock file '{_store.LockFilePath}': {ex.Message}", _store.LockFilePath, ex);
            }

            throw;
        }

        _seenGeneration = fileLock.Generation;
        _seenSignature = _store.Probe();
        _pendingAccess.Clear();
        _lastSave = _clock.Now;
    }

    private readonly struct PreparedItem
    {
        public PreparedItem(KeyHash hash, int textLength, byte[] json)
        {
            Hash = hash;
            TextLength = textLength;
            Json = json;
        }

        public KeyHash Hash { get; }

        public int TextLength { get; }

        public byte[] Json { get; }
    }
}
