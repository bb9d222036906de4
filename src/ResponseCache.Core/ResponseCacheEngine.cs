using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
    public byte[]? Get(string key, CachePolicy policy, ICacheLog? log = null)
    {
        KeyHash hash = KeyHash.Compute(key);
        log ??= NullCacheLog.Instance;
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

        log ??= NullCacheLog.Instance;
        var prepared = new List<(KeyHash Hash, int TextLength, byte[] Json)>(items.Count);
        foreach (KeyValuePair<string, byte[]> item in items)
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                throw new ArgumentException("A cache key must not be null or empty.", nameof(items));
            }

            ResponseJson.EnsureSingleValue(item.Value ?? throw new ArgumentNullException(nameof(items), "A response must not be null."), nameof(items));
            prepared.Add((KeyHash.Compute(item.Key), PythonText.Length(item.Key), item.Value));
        }

        if (prepared.Count == 0)
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
                foreach ((KeyHash hash, int textLength, byte[] json) in prepared)
                {
                    _index.Put(new CacheEntry(hash, json)
                    {
                        Timestamp = timestamp,
                        CreatedAt = seconds,
                        LastAccessed = seconds,
                        TextLength = textLength,
                    });
                    _pendingAccess.Remove(hash);
                }

                EvictBeyond(policy.MaxEntries, log);
                return true;
            });
        }

        log.Verbose(prepared.Count == 1
            ? $"Cached the response for key {prepared[0].Hash.ToShortString()}."
            : $"Cached {prepared.Count} responses.");
    }

    /// <summary>Removes one entry; false when there was none.</summary>
    public bool Remove(string key, ICacheLog? log = null)
    {
        KeyHash hash = KeyHash.Compute(key);
        lock (_gate)
        {
            bool removed = false;
            Mutate(log ?? NullCacheLog.Instance, () =>
            {
                removed = _index.Remove(hash);
                _pendingAccess.Remove(hash);
                return removed;
            });
            return removed;
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

    private void EvictBeyond(int maxEntries, ICacheLog log)
    {
        while (_index.Count > maxEntries && _index.Oldest is CacheEntry oldest)
        {
            _index.Remove(oldest.Key);
            _pendingAccess.Remove(oldest.Key);
            _evictions++;
            log.Verbose($"Evicted key {oldest.Key.ToShortString()} (least recently used).");
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
}
