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
/// itself and is durable on disk before it returns. Reads never take or wait for that lock and never fail because
/// another process holds it: they catch up without it, and what they would like to write (an expired entry's
/// removal, access times, a repair) is written only if the lock is free, else left to the next change. Hits touch
/// memory only: their access times are written at most once per flush interval, or by <see cref="FlushAccessTimes"/>.
/// The caps and TTL are the cache's own (<see cref="CacheConfiguration"/>, in a settings file beside the cache):
/// a call passes only the freshness it accepts, and caps when it means to change them (<see cref="CachePolicy"/>).
/// </summary>
public sealed class ResponseCacheEngine : ICacheBackend
{
    private readonly object _gate = new object();
    private readonly CacheStore _store;
    private readonly SettingsFile _settings;
    private readonly IClock _clock;
    private readonly TimeSpan _accessFlushInterval;
    private readonly CacheState _state = new CacheState();
    private readonly SingleFlight _producers;
    private readonly Queue<WriteRequest> _writeQueue = new Queue<WriteRequest>();

    private bool _memoryIsCurrent;
    private CacheConfiguration _configuration = CacheConfiguration.Default;
    private FileSignature _seenSettings;
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
        _producers = new SingleFlight(options.ProducerWaitTimeout);
        _settings = new SettingsFile(_store.CacheFilePath, options.FileSystem);
        _lastCommit = _clock.Now;
    }

    public string Directory { get; }

    public string CacheFilePath => _store.CacheFilePath;

    /// <summary>Where the cache's configuration is kept.</summary>
    public string SettingsFilePath => _settings.Path;

    /// <summary>
    /// The cached response's JSON, or null on a miss. An entry older than the policy's TtlDays is a miss; it is
    /// removed from the file only when it is older than the cache's TtlDays too.
    /// </summary>
    public byte[]? Get(string key, CachePolicy policy, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log);
        return Get(KeyHash.Compute(key), policy, log, countLookup: true);
    }

    /// <summary>
    /// Get-or-add: the cached response, or else the one <paramref name="produce"/> returns (null: nothing to cache),
    /// cached before it is returned. Callers for the same key on other threads wait (at most the options' producer
    /// wait timeout) for the running producer and share its outcome: its response, its null, or its exception. A
    /// producer that throws <see cref="OperationCanceledException"/> answered nothing, and a waiter produces instead.
    /// With <paramref name="refresh"/> the cache is not consulted first, but a refresh that finished while waiting counts.
    /// Each call counts once in the statistics: a hit when it got a response without producing, otherwise a miss.
    /// </summary>
    /// <exception cref="ReentrantGetOrAddException">Called for a key from inside that key's own producer.</exception>
    /// <exception cref="ProducerWaitTimeoutException">Another caller's producer for the key ran longer than the timeout.</exception>
    public byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog? log = null, CancellationToken cancellation = default) =>
        GetOrAdd(key, policy, refresh, produce, log, cancellation, producesCheckedJson: false);

    /// <summary>
    /// <see cref="GetOrAdd(string, CachePolicy, bool, Func{byte[]}, ICacheLog, CancellationToken)"/> for a producer whose
    /// output is already compact JSON of one value within the depth limit (the cmdlets' serializer), not parsed again.
    /// </summary>
    internal byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog? log, CancellationToken cancellation, bool producesCheckedJson)
    {
        KeyHash hash = KeyHash.Compute(key);
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, cancellation);
        if (!refresh && Get(hash, policy, log, countLookup: false) is byte[] cached)
        {
            CountLookup(hit: true);
            return cached;
        }

        if (!_producers.TryOwnOrWait(hash, cancellation, out byte[]? shared))
        {
            CountLookup(hit: shared is not null);
            log.Verbose(shared is null
                ? $"The run this call waited for produced nothing to cache for key {hash.ToShortString()}."
                : $"Using the response another caller just produced for key {hash.ToShortString()}.");
            return shared;
        }

        byte[]? produced = null;
        Exception? failure = null;
        try
        {
            // Another producer may have finished between this caller's miss and its taking ownership.
            if (!refresh && Peek(hash, policy) is byte[] justCached)
            {
                CountLookup(hit: true);
                return produced = justCached;
            }

            CountLookup(hit: false);
            produced = produce();
            if (produced is not null)
            {
                Store(new[] { PrepareItem(key, produced, hash, check: !producesCheckedJson) }, log, cancellation);
            }

            return produced;
        }
        catch (Exception ex)
        {
            // Only a run that produced nothing failed for the waiters: a response that could not be stored is still theirs.
            failure = produced is null ? ex : null;
            throw;
        }
        finally
        {
            _producers.Complete(hash, produced, failure);
        }
    }

    /// <summary>Stores one response (compact JSON) and evicts least recently used entries beyond the cache's caps.</summary>
    public void Set(string key, byte[] responseJson, CachePolicy policy, ICacheLog? log = null) =>
        SetMany(new[] { new KeyValuePair<string, byte[]>(key, responseJson) }, policy, log);

    /// <summary>Stores many responses with one lock and one write: what a pipeline into Set-CachedResponse needs.</summary>
    public void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog? log = null, CancellationToken cancellation = default) =>
        SetMany(items, policy, log, checkedJson: false, cancellation);

    /// <summary>
    /// <see cref="SetMany(IReadOnlyCollection{KeyValuePair{string, byte[]}}, CachePolicy, ICacheLog, CancellationToken)"/> for responses
    /// already made or checked as compact JSON of one value within the depth limit (the cmdlets'), not parsed again.
    /// </summary>
    internal void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog? log, bool checkedJson, CancellationToken cancellation = default)
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

            prepared.Add(PrepareItem(item.Key, item.Value, KeyHash.Compute(item.Key), check: !checkedJson));
        }

        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, cancellation);
        Store(prepared, log, cancellation);
    }

    /// <summary>Removes one entry; false when there was none.</summary>
    public bool Remove(string key, ICacheLog? log = null) => RemoveMany(new[] { KeyHash.Compute(key) }, log) == 1;

    /// <summary>Removes entries by key hash with one write; returns how many were there.</summary>
    public int RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        if (hashes.Count == 0)
        {
            return 0;
        }

        return Change(log ?? NullCacheLog.Instance, () => hashes.Count(hash => _state.Remove(hash)), cancellation);
    }

    /// <summary>Removes every entry older than the policy's TtlDays (the cache's when it gives none); returns how many.</summary>
    public int RemoveExpired(CachePolicy policy, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, cancellation);
        return Change(log, () =>
        {
            double now = UnixTime.ToSeconds(_clock.Now);
            double ttlSeconds = FreshnessSeconds(policy);
            List<KeyHash> expired = _state.Index.OldestFirst().Where(entry => entry.IsExpired(now, ttlSeconds)).Select(entry => entry.Key).ToList();
            return expired.Count(hash => _state.Remove(hash));
        }, cancellation);
    }

    /// <summary>Empties the cache (the file becomes an empty object, as the reference's clear() leaves it); returns how many entries went.</summary>
    public int Clear(ICacheLog? log = null, CancellationToken cancellation = default) => Change(log ?? NullCacheLog.Instance, () => _state.Clear(), cancellation);

    /// <summary>Every entry's metadata, least recently used first, judged by the policy's TtlDays (the cache's when it gives none).</summary>
    public IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log);
        lock (_gate)
        {
            RefreshIfChanged(log);
            double now = UnixTime.ToSeconds(_clock.Now);
            double ttlSeconds = FreshnessSeconds(policy);
            return _state.Index.OldestFirst().Select(entry => new CacheEntryInfo(entry, ttlSeconds, now, this)).ToList();
        }
    }

    /// <summary>The cache's counts and configuration; entries older than the policy's TtlDays (the cache's when it gives none) count as expired.</summary>
    public CacheStatistics GetStatistics(CachePolicy policy, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log);
        lock (_gate)
        {
            RefreshIfChanged(log);
            double now = UnixTime.ToSeconds(_clock.Now);
            double ttlSeconds = FreshnessSeconds(policy);
            int total = _state.Index.Count;
            int expired = _state.Index.OldestFirst().Count(entry => entry.IsExpired(now, ttlSeconds));
            long lookups = _hits + _misses;
            return new CacheStatistics
            {
                TotalEntries = total,
                ExpiredEntries = expired,
                ActiveEntries = total - expired,
                MaxEntries = _configuration.MaxEntries,
                MaxSizeMB = _configuration.MaxSizeMB,
                TtlDays = _configuration.TtlDays,
                CacheFile = CacheFilePath,
                Location = CacheFilePath,
                CacheSizeKB = Math.Round(_store.SizeOnDisk / 1024.0, 2),
                Hits = _hits,
                Misses = _misses,
                HitRatio = lookups == 0 ? 0 : (double)_hits / lookups,
                Evictions = _evictions,
            };
        }
    }

    /// <summary>The cache's configuration, as every process sees it: the defaults until one is stored.</summary>
    public CacheConfiguration GetConfiguration(ICacheLog? log = null)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            return _configuration;
        }
    }

    /// <summary>
    /// Changes the given values of the cache's configuration (null keeps one; a size cap of 0 removes it), stores it
    /// for every process, and evicts least recently used entries beyond the new caps at once. With
    /// <paramref name="preview"/> nothing changes: the result says what would.
    /// </summary>
    public CacheConfigurationChange Configure(int? maxEntries = null, long? maxBytes = null, double? ttlDays = null, bool preview = false, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        log ??= NullCacheLog.Instance;
        if (preview)
        {
            lock (_gate)
            {
                RefreshIfChanged(log);
                CacheConfiguration proposed = _configuration.With(maxEntries, maxBytes, ttlDays);
                return new CacheConfigurationChange(_configuration, proposed, CountBeyond(proposed));
            }
        }

        CacheConfigurationChange? result = null;
        Change(log, () =>
        {
            CacheConfiguration previous = _configuration;
            CacheConfiguration proposed = previous.With(maxEntries, maxBytes, ttlDays);
            if (!proposed.Equals(previous))
            {
                _settings.Save(proposed);
                _seenSettings = _settings.Probe();
                _configuration = proposed;
                log.Verbose($"The cache '{CacheFilePath}' is now configured with {proposed} (was {previous}); every call that sets no caps uses these.");
            }

            int evicted = EvictBeyond(log);
            result = new CacheConfigurationChange(previous, proposed, evicted);
            return evicted;
        }, cancellation);
        return result!;
    }

    /// <summary>Writes the access times of hits that are still only in memory, if the lock is free; else the next change does.</summary>
    public void FlushAccessTimes(ICacheLog? log = null)
    {
        lock (_gate)
        {
            if (_state.HasPendingAccess)
            {
                TryChangeForRead(log ?? NullCacheLog.Instance, () => 0);
            }
        }
    }

    string ICacheBackend.Location => CacheFilePath;

    byte[]? ICacheBackend.Get(string key, CachePolicy policy, ICacheLog log) => Get(key, policy, log);

    byte[]? ICacheBackend.GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog log, CancellationToken cancellation) =>
        GetOrAdd(key, policy, refresh, produce, log, cancellation, producesCheckedJson: true);

    void ICacheBackend.SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog log, CancellationToken cancellation) =>
        SetMany(items, policy, log, checkedJson: true, cancellation);

    int ICacheBackend.RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation) => RemoveMany(hashes, log, cancellation);

    int ICacheBackend.RemoveExpired(CachePolicy policy, ICacheLog log, CancellationToken cancellation) => RemoveExpired(policy, log, cancellation);

    int ICacheBackend.Clear(ICacheLog log, CancellationToken cancellation) => Clear(log, cancellation);

    IReadOnlyList<CacheEntryInfo> ICacheBackend.ListEntries(CachePolicy policy, ICacheLog log) => ListEntries(policy, log);

    CacheStatistics ICacheBackend.GetStatistics(CachePolicy policy, ICacheLog log) => GetStatistics(policy, log);

    CacheConfiguration ICacheBackend.GetConfiguration(ICacheLog log) => GetConfiguration(log);

    CacheConfigurationChange ICacheBackend.Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation) =>
        Configure(maxEntries, maxBytes, ttlDays, preview, log, cancellation);

    void ICacheBackend.Flush(ICacheLog log) => FlushAccessTimes(log);

    /// <summary>The entries that are fresh under the cache's TTL, least recently used first, with their times.</summary>
    public IReadOnlyList<StoredResponse> Export(ICacheLog? log = null, CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            RefreshIfChanged(log ?? NullCacheLog.Instance);
            double now = UnixTime.ToSeconds(_clock.Now);
            return _state.Index.OldestFirst()
                .Where(entry => !entry.IsExpired(now, _configuration.TtlSeconds))
                .Select(entry => new StoredResponse(entry.Key, entry.ResponseJson, entry.CreatedAt, entry.LastAccessed, entry.Timestamp, entry.TextLength))
                .ToList();
        }
    }

    /// <summary>
    /// Stores entries with the times they carry, replacing entries of the same hash, in one change; the cache's
    /// recency order then follows the entries' access times, and least recently used entries beyond the caps go.
    /// Entries already older than the cache's TtlDays are skipped (an entry of the same hash stays).
    /// </summary>
    public int Import(IReadOnlyCollection<StoredResponse> entries, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        List<CacheEntry> prepared = entries.Select(entry =>
        {
            ResponseJson.EnsureSingleValue(entry.ResponseJson, nameof(entries));
            return new CacheEntry(entry.Key, entry.ResponseJson)
            {
                CreatedAt = entry.CreatedAt,
                LastAccessed = entry.LastAccessed,
                Timestamp = entry.Timestamp,
                TextLength = entry.TextLength,
            };
        }).ToList();
        if (prepared.Count == 0)
        {
            return 0;
        }

        log ??= NullCacheLog.Instance;
        lock (_gate)
        {
            using FileLock fileLock = _store.Lock(cancellation);
            return ChangeUnderLock(fileLock, log, () =>
            {
                // As a write would not keep them: an entry already past this cache's TTL is neither stored nor counted.
                double now = UnixTime.ToSeconds(_clock.Now);
                List<CacheEntry> fresh = prepared.Where(entry => !entry.IsExpired(now, _configuration.TtlSeconds)).ToList();
                fresh.ForEach(_state.Put);
                _state.Index.SortByRecency();
                EvictBeyond(log);
                return fresh.Count;
            }, compact: true);
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

            double freshness = FreshnessSeconds(policy);
            if (entry.IsExpired(now, freshness))
            {
                if (!entry.IsExpired(now, _configuration.TtlSeconds))
                {
                    _misses += countLookup ? 1 : 0;
                    log.Verbose($"Cache miss for key {hash.ToShortString()}: the entry is older than the {freshness / 86400} days this call accepts; it stays cached for callers that accept it.");
                    return null;
                }

                if (!TryRemoveExpired(hash, freshness, log, out entry))
                {
                    _misses += countLookup ? 1 : 0;
                    log.Verbose($"Cache miss for key {hash.ToShortString()}: the entry was older than the cache's {_configuration.TtlDays} days; it is removed now, or by the next change if another process holds the lock.");
                    return null;
                }
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

    private static PreparedItem PrepareItem(string key, byte[] responseJson, KeyHash hash, bool check)
    {
        if (responseJson is null)
        {
            throw new ArgumentNullException(nameof(responseJson), "A response must not be null.");
        }

        if (check)
        {
            ResponseJson.EnsureSingleValue(responseJson, nameof(responseJson));
        }

        return new PreparedItem(hash, PythonText.Length(key), responseJson);
    }

    /// <summary>
    /// Group commit: the request joins a queue, and whichever writer takes the monitor first writes every queued
    /// request under one lock with one journal append and one fsync. The others find theirs done (or failed).
    /// </summary>
    private void Store(IReadOnlyList<PreparedItem> items, ICacheLog log, CancellationToken cancellation = default)
    {
        if (items.Count == 0)
        {
            return;
        }

        var request = new WriteRequest(items);
        lock (_writeQueue)
        {
            _writeQueue.Enqueue(request);
        }

        lock (_gate)
        {
            if (!request.IsDone)
            {
                WriteQueued(cancellation);
            }
        }

        request.Log.ReplayInto(log);
        request.ThrowIfFailed();
    }

    private void WriteQueued(CancellationToken cancellation)
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

                    EvictBeyond(request.Log);
                    request.Log.Verbose(request.Items.Count == 1
                        ? $"Cached the response for key {request.Items[0].Hash.ToShortString()}."
                        : $"Cached {request.Items.Count} responses.");
                }

                return batch.Count;
            }, cancellation);
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
            return _state.TryGet(hash, out CacheEntry entry) && !entry.IsExpired(UnixTime.ToSeconds(_clock.Now), FreshnessSeconds(policy))
                ? entry.ResponseJson
                : null;
        }
    }

    /// <summary>False (a miss) also when the lock is busy: the entry then stays on disk for the next change to remove.</summary>
    private bool TryRemoveExpired(KeyHash hash, double freshnessSeconds, ICacheLog log, out CacheEntry current)
    {
        CacheEntry? fresh = null;
        TryChangeForRead(log, () =>
        {
            // Another process may have renewed the entry, or lengthened the cache's TTL, since this one last looked.
            double now = UnixTime.ToSeconds(_clock.Now);
            if (!_state.TryGet(hash, out CacheEntry candidate) || !candidate.IsExpired(now, _configuration.TtlSeconds))
            {
                return 0;
            }

            if (!candidate.IsExpired(now, freshnessSeconds))
            {
                fresh = candidate;
                return 0;
            }

            return _state.Remove(hash) ? 1 : 0;
        });
        current = fresh!;
        return fresh is not null;
    }

    private void FlushAfterHit(ICacheLog log) => TryChangeForRead(log, () => 0);

    /// <summary>
    /// Evicts least recently used entries until both of the cache's caps hold; returns how many went. The size cap
    /// never evicts the newest entry: a response larger than the whole cap is still cached (with a warning) rather
    /// than silently dropped.
    /// </summary>
    private int EvictBeyond(ICacheLog log)
    {
        CacheConfiguration caps = _configuration;
        LruIndex index = _state.Index;
        int evicted = 0;
        while (index.Oldest is CacheEntry oldest && IsBeyond(caps, index.Count, index.TotalBytes))
        {
            _state.Remove(oldest.Key);
            evicted++;
            log.Verbose($"Evicted key {oldest.Key.ToShortString()} (least recently used).");
        }

        _evictions += evicted;
        if (index.TotalBytes > caps.MaxBytes)
        {
            log.Warning($"The newest response takes {index.TotalBytes:N0} bytes, more than the whole size cap of {caps.MaxBytes:N0} bytes; it is cached until a newer entry pushes it out.");
        }

        return evicted;
    }

    /// <summary>How many entries <see cref="EvictBeyond"/> would remove under <paramref name="caps"/>.</summary>
    private int CountBeyond(CacheConfiguration caps)
    {
        int count = _state.Index.Count;
        long bytes = _state.Index.TotalBytes;
        int evicted = 0;
        foreach (CacheEntry entry in _state.Index.OldestFirst())
        {
            if (!IsBeyond(caps, count, bytes))
            {
                break;
            }

            count--;
            bytes -= entry.StoredBytes;
            evicted++;
        }

        return evicted;
    }

    private static bool IsBeyond(CacheConfiguration caps, int count, long bytes) =>
        count > caps.MaxEntries || (bytes > caps.MaxBytes && count > 1);

    /// <summary>How old an entry may be for this call: the policy's TtlDays, else the cache's.</summary>
    private double FreshnessSeconds(CachePolicy policy) => policy.FreshnessSeconds(_configuration);

    /// <summary>A call that gives caps makes them the cache's before it does anything else; one that matches them costs a stat.</summary>
    private void ApplyCaps(CachePolicy policy, ICacheLog log, CancellationToken cancellation = default)
    {
        if (!policy.ChangesCaps)
        {
            return;
        }

        lock (_gate)
        {
            // Only a look: a repair is for the change that follows, which reports its own failure.
            RefreshIfChanged(log, repair: false);
            if (_configuration.Equals(_configuration.With(policy.MaxEntries, policy.MaxBytes)))
            {
                return;
            }
        }

        Configure(policy.MaxEntries, policy.MaxBytes, log: log, cancellation: cancellation);
    }

    /// <summary>
    /// Catches up without the lock (see <see cref="CacheStore.ReadWithoutLock"/>): a hit on an unchanged cache costs a
    /// read of the lock file's counters and a stat. Damage found on the way is repaired only if the lock is free.
    /// </summary>
    private void RefreshIfChanged(ICacheLog log, bool repair = true)
    {
        bool settingsDamaged = ReloadSettingsIfChanged(log, mayRepair: false);
        CatchUp changes = _store.ReadWithoutLock(_memoryIsCurrent);
        if (changes != Persistence.CatchUp.Nothing)
        {
            _state.CatchUp(changes.SnapshotEntries, changes.JournalOps);
            _memoryIsCurrent = true;
        }

        if (repair && (_store.RepairPending || settingsDamaged))
        {
            TryChangeForRead(log, () => 0);
        }
    }

    /// <summary>
    /// Runs a change under the cross-process lock on up-to-date memory and makes it durable; returns the change's
    /// count. If writing fails, memory is rebuilt from disk on the next call, so it never serves what the disk lacks.
    /// </summary>
    private int Change(ICacheLog log, Func<int> change, CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            using FileLock fileLock = _store.Lock(cancellation);
            return ChangeUnderLock(fileLock, log, change);
        }
    }

    /// <summary>
    /// What a read would like to write: done only if the lock is free right now, and never failing the read (a
    /// failed write is a warning). False when it was left for the next change.
    /// </summary>
    private bool TryChangeForRead(ICacheLog log, Func<int> change)
    {
        try
        {
            using FileLock? fileLock = _store.TryLock();
            if (fileLock is null)
            {
                log.Verbose($"The cache lock '{_store.LockFilePath}' is busy (or cannot be written here); what this read would write is left for the next change.");
                return false;
            }

            ChangeUnderLock(fileLock, log, change);
            return true;
        }
        catch (CacheStorageException ex)
        {
            log.Warning($"What this read would write to the cache could not be written and is left for the next change: {ex.Message}");
            return false;
        }
    }

    /// <param name="compact">Rewrites the snapshot, for a change whose order a journal replay would not keep.</param>
    private int ChangeUnderLock(FileLock fileLock, ICacheLog log, Func<int> change, bool compact = false)
    {
        bool mustCompact = CatchUp(fileLock, log) | compact;
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

    /// <summary>Applies what others wrote; true when the files must be rewritten (damage salvaged, or a byte-order mark).</summary>
    private bool CatchUp(FileLock fileLock, ICacheLog log)
    {
        _ = ReloadSettingsIfChanged(log, mayRepair: true);
        CatchUp changes = _store.CatchUp(fileLock, _memoryIsCurrent, _clock.Now, log);
        _state.CatchUp(changes.SnapshotEntries, changes.JournalOps);
        _memoryIsCurrent = true;
        return changes.MustCompact;
    }

    /// <summary>Under the lock: another process may have configured the cache since this one last looked.</summary>
    /// <summary>
    /// Reads the settings file when it changed. Damaged settings mean the defaults; only a holder of the lock
    /// (<paramref name="mayRepair"/>) keeps the damaged file aside, so a read leaves it to be looked at again.
    /// </summary>
    /// <returns>True when damaged settings are still in place, waiting for a holder of the lock.</returns>
    private bool ReloadSettingsIfChanged(ICacheLog log, bool mayRepair)
    {
        FileSignature settings = _settings.Probe();
        if (settings == _seenSettings)
        {
            return false;
        }

        _configuration = _settings.Load(out string? damage);
        if (damage is not null)
        {
            if (!mayRepair)
            {
                return true;
            }

            string aside = _settings.SetAside(_clock.Now);
            log.Warning($"The cache settings '{_settings.Path}' were damaged ({damage}). They were kept as '{aside}'; the cache uses the defaults ({_configuration}) until it is configured again.");
        }

        _seenSettings = _settings.Probe();
        return false;
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

        public WriteRequest(IReadOnlyList<PreparedItem> items)
        {
            Items = items;
        }

        public IReadOnlyList<PreparedItem> Items { get; }

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
