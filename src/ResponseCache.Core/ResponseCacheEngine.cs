using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// One cache directory, shared by every thread of the process. A single monitor guards memory and disk; every
/// change also holds the directory's cross-process lock, catches up with what other processes wrote, applies
/// itself and is durable on disk before it returns. Hits touch memory only: their access times are written at
/// most once per flush interval, or by <see cref="FlushAccessTimes"/>.
/// </summary>
public sealed class ResponseCacheEngine
{
    private readonly object _gate = new object();
    private readonly CacheStore _store;
    private readonly IClock _clock;
    private readonly TimeSpan _accessFlushInterval;
    private readonly CacheState _state = new CacheState();
    private readonly SingleFlight _producers = new SingleFlight();
    private readonly Queue<WriteRequest> _writeQueue = new Queue<WriteRequest>();

    private bool _memoryIsCurrent;
    private DateTimeOffset _lastCommit;
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
        _store = new CacheStore(directory, options.FileSystem, options.LockTimeout);
        _lastCommit = _clock.Now;
    }

    public string Directory { get; }

    public string CacheFilePath => _store.CacheFilePath;

    /// <summary>The cached response's JSON, or null on a miss. An expired entry is removed from the file and is a miss.</summary>
    public byte[]? Get(string key, CachePolicy policy, ICacheLog? log = null) =>
        Get(KeyHash.Compute(key), policy, log ?? NullCacheLog.Instance, countLookup: true);

    /// <summary>
    /// Get-or-add: the cached response, or else the one <paramref name="produce"/> returns (null: nothing to cache),
    /// cached before it is returned. Callers for the same key on other threads wait for the running producer
    /// instead of producing too; if it fails or produces nothing, the next waiter produces.
    /// With <paramref name="refresh"/> the cache is not consulted first, but a refresh that finished while waiting counts.
    /// Each call counts once in the statistics: a hit when it did not have to produce, a miss when it did.
    /// </summary>
    public byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        KeyHash hash = KeyHash.Compute(key);
        log ??= NullCacheLog.Instance;
        bool waited = false;
        while (true)
        {
            if ((!refresh || waited) && Get(hash, policy, log, countLookup: false) is byte[] cached)
            {
                CountLookup(hit: true);
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
                CountLookup(hit: true);
                return justCached;
            }

            CountLookup(hit: false);
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

    /// <summary>Stores one response (compact JSON) and evicts least recently used entries beyond the policy's caps.</summary>
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

        return Change(log ?? NullCacheLog.Instance, () => hashes.Count(hash => _state.Remove(hash)));
    }

    /// <summary>Removes every entry older than the policy's TTL; returns how many.</summary>
    public int RemoveExpired(CachePolicy policy, ICacheLog? log = null) => Change(log ?? NullCacheLog.Instance, () =>
    {
        double now = UnixTime.ToSeconds(_clock.Now);
        List<KeyHash> expired = _state.Index.OldestFirst().Where(entry => entry.IsExpired(now, policy.TtlSeconds)).Select(entry => entry.Key).ToList();
        return expired.Count(hash => _state.Remove(hash));
    });

    /// <summary>Empties the cache (the file becomes an empty object, as the reference's clear() leaves it); returns how many entries went.</summary>
    public int Clear(ICacheLog? log = null) => Change(log ?? NullCacheLog.Instance, () => _state.Clear());

    /// <summary>Every entry's metadata, least recently used first; responses are not decoded.</summary>
    public IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog? log = null)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            double now = UnixTime.ToSeconds(_clock.Now);
            return _state.Index.OldestFirst().Select(entry => new CacheEntryInfo(entry, policy.TtlSeconds, now, Directory, CacheFilePath)).ToList();
        }
    }

    public CacheStatistics GetStatistics(CachePolicy policy, ICacheLog? log = null)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            double now = UnixTime.ToSeconds(_clock.Now);
            int total = _state.Index.Count;
            int expired = _state.Index.OldestFirst().Count(entry => entry.IsExpired(now, policy.TtlSeconds));
            long lookups = _hits + _misses;
            return new CacheStatistics
            {
                TotalEntries = total,
                ExpiredEntries = expired,
                ActiveEntries = total - expired,
                MaxEntries = policy.MaxEntries,
                TtlDays = policy.TtlDays,
                CacheFile = CacheFilePath,
                CacheSizeKB = Math.Round(_store.SizeOnDisk / 1024.0, 2),
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
            if (_state.HasPendingAccess)
            {
                Change(log ?? NullCacheLog.Instance, () => 0);
            }
        }
    }

    private void CountLookup(bool hit)
    {
        lock (_gate)
        {
            if (hit)
            {
                _hits++;
            }
            else
            {
                _misses++;
            }
        }
    }

    private byte[]? Get(KeyHash hash, CachePolicy policy, ICacheLog log, bool countLookup)
    {
        lock (_gate)
        {
            RefreshIfChanged(log);
            DateTimeOffset time = _clock.Now;
            double now = UnixTime.ToSeconds(time);
            if (!_state.TryGet(hash, out CacheEntry entry))
            {
                _misses += countLookup ? 1 : 0;
                log.Verbose($"Cache miss for key {hash.ToShortString()}.");
                return null;
            }

            if (entry.IsExpired(now, policy.TtlSeconds) && !TryRemoveExpired(hash, policy, log, out entry))
            {
                _misses += countLookup ? 1 : 0;
                log.Verbose($"Cache miss for key {hash.ToShortString()}: the entry was older than {policy.TtlDays} days and was removed.");
                return null;
            }

            _state.RecordHit(entry, now);
            _hits += countLookup ? 1 : 0;
            log.Verbose($"Cache hit for key {hash.ToShortString()}: using the response cached at {entry.Timestamp ?? "an unknown time"}.");
            if (time - _lastCommit >= _accessFlushInterval)
            {
                FlushAfterHit(log);
            }

            return entry.ResponseJson;
        }
    }

    private static PreparedItem PrepareItem(string key, byte[] responseJson, KeyHash hash)
    {
        ResponseJson.EnsureSingleValue(responseJson ?? throw new ArgumentNullException(nameof(responseJson), "A response must not be null."), nameof(responseJson));
        return new PreparedItem(hash, PythonText.Length(key), responseJson);
    }

    /// <summary>
    /// Group commit: the request joins a queue, and whichever writer takes the monitor first writes every queued
    /// request under one lock with one journal append and one fsync. The others find theirs done (or failed).
    /// </summary>
    private void Store(IReadOnlyList<PreparedItem> items, CachePolicy policy, ICacheLog log)
    {
        if (items.Count == 0)
        {
            return;
        }

        var request = new WriteRequest(items, policy);
        lock (_writeQueue)
        {
            _writeQueue.Enqueue(request);
        }

        lock (_gate)
        {
            if (!request.IsDone)
            {
                WriteQueued();
            }
        }

        request.Log.ReplayInto(log);
        request.ThrowIfFailed();
    }

    private void WriteQueued()
    {
        List<WriteRequest> batch;
        lock (_writeQueue)
        {
            batch = _writeQueue.ToList();
            _writeQueue.Clear();
        }

        try
        {
            Change(batch[0].Log, () =>
            {
                DateTimeOffset now = _clock.Now;
                double seconds = UnixTime.ToSeconds(now);
                string timestamp = UnixTime.ToTimestamp(now);
                foreach (WriteRequest request in batch)
                {
                    foreach (PreparedItem item in request.Items)
                    {
                        _state.Put(new CacheEntry(item.Hash, item.Json)
                        {
                            Timestamp = timestamp,
                            CreatedAt = seconds,
                            LastAccessed = seconds,
                            TextLength = item.TextLength,
                        });
                    }

                    EvictBeyond(request.Policy, request.Log);
                    request.Log.Verbose(request.Items.Count == 1
                        ? $"Cached the response for key {request.Items[0].Hash.ToShortString()}."
                        : $"Cached {request.Items.Count} responses.");
                }

                return batch.Count;
            });
            batch.ForEach(request => request.Complete(null));
        }
        catch (Exception ex)
        {
            batch.ForEach(request => request.Complete(ex));
        }
    }

    /// <summary>The cached response if present and fresh, without counting a lookup or touching recency.</summary>
    private byte[]? Peek(KeyHash hash, CachePolicy policy)
    {
        lock (_gate)
        {
            RefreshIfChanged(NullCacheLog.Instance);
            return _state.TryGet(hash, out CacheEntry entry) && !entry.IsExpired(UnixTime.ToSeconds(_clock.Now), policy.TtlSeconds)
                ? entry.ResponseJson
                : null;
        }
    }

    private bool TryRemoveExpired(KeyHash hash, CachePolicy policy, ICacheLog log, out CacheEntry current)
    {
        CacheEntry? fresh = null;
        Change(log, () =>
        {
            // Another process may have renewed the entry since this one last looked.
            if (_state.TryGet(hash, out CacheEntry candidate) && !candidate.IsExpired(UnixTime.ToSeconds(_clock.Now), policy.TtlSeconds))
            {
                fresh = candidate;
                return 0;
            }

            return _state.Remove(hash) ? 1 : 0;
        });
        current = fresh!;
        return fresh is not null;
    }

    private void FlushAfterHit(ICacheLog log)
    {
        try
        {
            Change(log, () => 0);
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
        LruIndex index = _state.Index;
        while (index.Oldest is CacheEntry oldest
            && (index.Count > policy.MaxEntries || (index.TotalBytes > policy.MaxBytes && index.Count > 1)))
        {
            _state.Remove(oldest.Key);
            _evictions++;
            log.Verbose($"Evicted key {oldest.Key.ToShortString()} (least recently used).");
        }

        if (index.TotalBytes > policy.MaxBytes)
        {
            log.Warning($"The newest response takes {index.TotalBytes:N0} bytes, more than the whole size cap of {policy.MaxBytes:N0} bytes; it is cached until a newer entry pushes it out.");
        }
    }

    /// <summary>Catches up when a stat shows the files changed; a hit on an unchanged cache costs two stats and no lock.</summary>
    private void RefreshIfChanged(ICacheLog log)
    {
        if (_memoryIsCurrent && _store.IsUnchangedOnDisk())
        {
            return;
        }

        using FileLock fileLock = _store.Lock();
        if (CatchUp(fileLock, log))
        {
            Commit(fileLock, mustCompact: true);
        }
    }

    /// <summary>
    /// Runs a change under the cross-process lock on up-to-date memory and makes it durable; returns the change's
    /// count. If writing fails, memory is rebuilt from disk on the next call, so it never serves what the disk lacks.
    /// </summary>
    private int Change(ICacheLog log, Func<int> change)
    {
        lock (_gate)
        {
            using FileLock fileLock = _store.Lock();
            bool mustCompact = CatchUp(fileLock, log);
            int count;
            try
            {
                count = change();
            }
            catch
            {
                _memoryIsCurrent = false;
                _state.Abandon();
                throw;
            }

            Commit(fileLock, mustCompact);
            return count;
        }
    }

    /// <summary>Applies what others wrote; true when the files must be rewritten (damage salvaged, or a byte-order mark).</summary>
    private bool CatchUp(FileLock fileLock, ICacheLog log)
    {
        CatchUp changes = _store.CatchUp(fileLock, _memoryIsCurrent, _clock.Now, log);
        _state.CatchUp(changes.SnapshotEntries, changes.JournalOps);
        _memoryIsCurrent = true;
        return changes.MustCompact;
    }

    private void Commit(FileLock fileLock, bool mustCompact)
    {
        List<JournalOp> changes = _state.TakeChanges();
        if (changes.Count == 0 && !mustCompact)
        {
            return;
        }

        try
        {
            _store.Commit(fileLock, changes, _state.Index, mustCompact);
        }
        catch (Exception ex)
        {
            _memoryIsCurrent = false;
            _state.Abandon();
            if (ex is IOException && ex is not CacheStorageException)
            {
                throw new CacheStorageException($"Could not update the cache lock file '{_store.LockFilePath}': {ex.Message}", _store.LockFilePath, ex);
            }

            throw;
        }

        _state.Committed();
        _lastCommit = _clock.Now;
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

    /// <summary>One caller's items waiting for group commit, and how that commit ended for them.</summary>
    private sealed class WriteRequest
    {
        private ExceptionDispatchInfo? _failure;

        public WriteRequest(IReadOnlyList<PreparedItem> items, CachePolicy policy)
        {
            Items = items;
            Policy = policy;
        }

        public IReadOnlyList<PreparedItem> Items { get; }

        public CachePolicy Policy { get; }

        public BufferedCacheLog Log { get; } = new BufferedCacheLog();

        public bool IsDone { get; private set; }

        public void Complete(Exception? failure)
        {
            _failure = failure is null ? null : ExceptionDispatchInfo.Capture(failure);
            IsDone = true;
        }

        public void ThrowIfFailed() => _failure?.Throw();
    }
}
