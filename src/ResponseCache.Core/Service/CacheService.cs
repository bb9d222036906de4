using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// One cache, wherever it is kept: the rules every backend follows, written once over a store
/// (<see cref="ICacheStore"/>) and a cross-process producer lock (<see cref="IProducerLock"/>). Argument checks,
/// single flight within the process and what its waiters share, the counters of this process, the messages, a
/// call's caps becoming the cache's, freshness, and what a copy takes and gives are decided here; keeping entries,
/// their recency and eviction are the store's.
/// </summary>
public class CacheService : ICacheBackend
{
    private readonly ICacheStore _store;
    private readonly IProducerLock _producerLock;
    private readonly IClock _clock;
    private readonly SingleFlight _producers;
    private long _hits;
    private long _misses;
    private long _evictions;

    public CacheService(ICacheStore store, IProducerLock producerLock, IClock clock, TimeSpan producerWaitTimeout)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _producerLock = producerLock ?? throw new ArgumentNullException(nameof(producerLock));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _producers = new SingleFlight(producerWaitTimeout);
    }

    public string Location => _store.Location;

    /// <summary>The store under the rules, for what is particular to one kind of store.</summary>
    protected ICacheStore Store => _store;

    /// <summary>
    /// The cached response's JSON, or null on a miss. An entry older than the policy's TtlDays is a miss; it is
    /// removed only when it is older than the cache's TtlDays too. A store out of reach is a miss.
    /// </summary>
    public byte[]? Get(string key, CachePolicy policy, ICacheLog? log = null, Action<CacheLookupOutcome>? report = null)
    {
        log ??= NullCacheLog.Instance;
        KeyHash hash = KeyHash.Compute(key);
        TryApplyCaps(policy, log, CancellationToken.None);
        StoreLookup found = WithoutNull(_store.Find(hash, policy, LookupKind.Get, log));
        Report(report, found.Response is null ? CacheLookupStatus.Miss : CacheLookupStatus.Hit, hash, found.CreatedAt);
        return Counted(hash, found, log);
    }

    /// <summary>
    /// Get-or-add: the cached response, or else the one <paramref name="produce"/> returns (null: nothing to cache),
    /// cached before it is returned. Callers for the same key in this process wait (at most the producer wait
    /// timeout) for the running producer and share its outcome: its response, its null, or its exception; a producer
    /// cancelled answered nothing, and a waiter produces instead. Other processes are held off by the producer lock.
    /// With <paramref name="refresh"/> the cache is not consulted first. Each call counts once: a hit when it got a
    /// response without producing, otherwise a miss. A response produced but not cached (the store busy or out of
    /// reach) is still returned, with a warning.
    /// </summary>
    /// <exception cref="ReentrantGetOrAddException">Called for a key from inside that key's own producer.</exception>
    /// <exception cref="ProducerWaitTimeoutException">Another caller's producer for the key ran longer than the timeout.</exception>
    public byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog? log = null, CancellationToken cancellation = default, EntryOptions? entry = null, Action<CacheLookupOutcome>? report = null)
    {
        if (produce is null)
        {
            throw new ArgumentNullException(nameof(produce));
        }

        log ??= NullCacheLog.Instance;
        KeyHash hash = KeyHash.Compute(key);
        bool reachable = true;
        try
        {
            TryApplyCaps(policy, log, cancellation);
            if (!refresh)
            {
                StoreLookup found = WithoutNull(_store.Find(hash, policy, LookupKind.GetOrAdd, log));
                if (found.Response is not null)
                {
                    Report(report, CacheLookupStatus.Hit, hash, found.CreatedAt);
                    return Counted(hash, found, log);
                }

                reachable = !found.IsUnavailable;
            }
        }
        catch (CacheStorageException ex)
        {
            // As with a server out of reach: the caller is about to pay for the answer, and gets it.
            log.Warning($"{ex.Message} For key {hash.ToShortString()}, the response is produced without the cache.");
            reachable = false;
        }

        if (!_producers.TryOwnOrWait(hash, cancellation, out byte[]? shared))
        {
            CountLookup(hit: shared is not null);
            Report(report, CacheLookupStatus.Waited, hash, createdAt: null);
            log.Verbose(shared is null
                ? $"The run this call waited for produced nothing to cache for key {hash.ToShortString()}."
                : $"Using the response another caller just produced for key {hash.ToShortString()}.");
            return shared;
        }

        byte[]? response = null;
        Exception? failure = null;
        try
        {
            ProducerTicket ticket = reachable ? _producerLock.Acquire(hash, policy, refresh, log, cancellation) : ProducerTicket.Unavailable;
            using IProducerLease? lease = ticket.Lease;
            if (ticket.Response is byte[] elsewhere && !IsNullResponse(elsewhere))
            {
                CountLookup(hit: true);
                Report(report, CacheLookupStatus.Waited, hash, createdAt: null);
                log.Verbose($"Using the response another process produced for key {hash.ToShortString()} in {Location}.");
                return response = elsewhere;
            }

            // Without a cross-process lock, another caller may have cached the response between this one's miss and its run.
            if (!refresh && !ticket.IsUnavailable && lease is null && WithoutNull(_store.Find(hash, policy, LookupKind.Peek, log)).Response is byte[] justCached)
            {
                CountLookup(hit: true);
                Report(report, CacheLookupStatus.Waited, hash, createdAt: null);
                return response = justCached;
            }

            CountLookup(hit: false);
            var producing = System.Diagnostics.Stopwatch.StartNew();
            response = produce();
            double producerSeconds = producing.Elapsed.TotalSeconds;
            Report(report, refresh ? CacheLookupStatus.Refreshed : CacheLookupStatus.Miss, hash, response is null ? null : UnixTime.ToSeconds(_clock.Now));
            if (response is not null && !ticket.IsUnavailable)
            {
                CacheProduced(key, hash, response, entry ?? EntryOptions.None, producerSeconds, lease, log, cancellation);
            }

            return response;
        }
        catch (Exception ex)
        {
            // Only a run that produced nothing failed for the waiters: a response that could not be stored is still theirs.
            failure = response is null ? ex : null;
            throw;
        }
        finally
        {
            _producers.Complete(hash, response, failure);
        }
    }

    /// <summary>Stores responses (compact JSON of one value each, already checked, as the cmdlets' serializer makes them) and evicts least recently used entries beyond the cache's caps, as one change.</summary>
    public void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog? log = null, CancellationToken cancellation = default, EntryOptions? entry = null)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        entry ??= EntryOptions.None;
        var entries = new List<NewEntry>(items.Count);
        foreach (KeyValuePair<string, byte[]> item in items)
        {
            if (string.IsNullOrEmpty(item.Key))
            {
                throw new ArgumentException("A cache key must not be null or empty.", nameof(items));
            }

            entries.Add(PrepareEntry(item.Key, KeyHash.Compute(item.Key), item.Value, entry, producerSeconds: null, nameof(items), check: false));
        }

        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, cancellation);
        Put(entries, lease: null, log, cancellation);
    }

    /// <summary>Removes entries by key hash; returns how many were there.</summary>
    public int RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        if (hashes is null)
        {
            throw new ArgumentNullException(nameof(hashes));
        }

        if (hashes.Count == 0)
        {
            return 0;
        }

        log ??= NullCacheLog.Instance;
        int removed = _store.Remove(hashes, log, cancellation);
        log.Verbose($"Removed {removed} of the {hashes.Count} entries asked for from {Location}" + (removed < hashes.Count ? "; the others were not cached." : "."));
        return removed;
    }

    /// <summary>Removes every entry that has any of the tags (in any case), in one change; returns how many.</summary>
    public int RemoveTagged(IReadOnlyCollection<string> tags, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        IReadOnlyList<string> wanted = EntryTags.Normalize(tags ?? throw new ArgumentNullException(nameof(tags)), nameof(tags));
        if (wanted.Count == 0)
        {
            return 0;
        }

        log ??= NullCacheLog.Instance;
        int removed = _store.RemoveTagged(wanted, log, cancellation);
        log.Verbose($"Removed {removed} entries tagged {string.Join(", ", wanted.Select(tag => $"'{tag}'"))} from {Location}.");
        return removed;
    }

    /// <summary>
    /// Removes every entry whose reply names any of the models (compared as prices are, in any case), in one change;
    /// returns how many. The entries are those listed just before: one another process adds meanwhile stays.
    /// </summary>
    public int RemoveModels(IReadOnlyCollection<string> models, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        var wanted = new HashSet<string>(models ?? throw new ArgumentNullException(nameof(models)), ModelPrices.Comparer);
        log ??= NullCacheLog.Instance;
        List<KeyHash> hashes = _store.TakeInventory(withResponses: false, log).Entries
            .Where(entry => entry.Stored.Usage.Model is string model && wanted.Contains(model))
            .Select(entry => entry.Stored.Key)
            .ToList();
        return hashes.Count == 0 ? 0 : _store.Remove(hashes, log, cancellation);
    }

    /// <summary>Removes every entry older than the policy's TtlDays (the cache's when it gives none); returns how many.</summary>
    public int RemoveExpired(CachePolicy policy, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, cancellation);
        int removed = _store.RemoveOlderThan(policy.TtlDays * 86400, log, cancellation);
        log.Verbose($"Removed {removed} expired entries from {Location}.");
        return removed;
    }

    /// <summary>
    /// Removes every entry of this cache and nothing else; returns how many. What their hits saved stays in the
    /// cache's ledger (the money was saved), unless <paramref name="resetSavings"/> starts the account anew.
    /// </summary>
    public int Clear(ICacheLog? log = null, CancellationToken cancellation = default, bool resetSavings = false)
    {
        log ??= NullCacheLog.Instance;
        int removed = _store.Clear(log, cancellation, resetSavings);
        log.Verbose($"Removed all {removed} entries from {Location}" + (resetSavings ? ", and the account of what the cache saved." : "; what their hits saved stays counted."));
        return removed;
    }

    /// <summary>What hits saved, per model per UTC day the hits were counted on, oldest first; only <paramref name="models"/>' (any case; null: all) and from <paramref name="since"/>'s UTC day on (null: every day kept).</summary>
    public IReadOnlyList<DailySavings> GetSavings(IReadOnlyCollection<string>? models = null, DateTime? since = null, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        SavingsLedger ledger = _store.GetSavings(log);
        ModelPrices prices = _store.GetPrices(log);
        string? firstDay = since is DateTime day ? SavingsLedger.DayOf(day.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(day, TimeSpan.Zero) : new DateTimeOffset(day)) : null;
        var wanted = models is null ? null : new HashSet<string>(models, ModelPrices.Comparer);
        var result = new List<DailySavings>();
        foreach (KeyValuePair<string, IReadOnlyDictionary<string, SavedTotals>> date in ledger.Days)
        {
            if (firstDay is not null && string.CompareOrdinal(date.Key, firstDay) < 0)
            {
                continue;
            }

            DateTime utcDate = DateTime.SpecifyKind(DateTime.ParseExact(date.Key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
            foreach (KeyValuePair<string, SavedTotals> model in date.Value.OrderBy(model => model.Key, StringComparer.OrdinalIgnoreCase))
            {
                string? name = model.Key.Length == 0 ? null : model.Key;
                if (wanted is null || (name is not null && wanted.Contains(name)))
                {
                    result.Add(new DailySavings(utcDate, name, model.Value, prices.For(name), Location));
                }
            }
        }

        return result;
    }

    /// <summary>Every entry's metadata, least recently used first, judged by the policy's TtlDays (the cache's when it gives none).</summary>
    public IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, CancellationToken.None);
        StoreInventory inventory = _store.TakeInventory(withResponses: false, log);
        double ttlSeconds = policy.FreshnessSeconds(inventory.Configuration);
        double now = UnixTime.ToSeconds(_clock.Now);
        return inventory.Entries.Select(entry => new CacheEntryInfo(entry, ttlSeconds, now, this, _store.CacheFile)).ToList();
    }

    /// <summary>The hash of the one listed entry (expired ones too) whose hash starts with <paramref name="prefix"/>; null when none does.</summary>
    /// <exception cref="AmbiguousKeyHashException">Several entries' hashes start with it.</exception>
    public KeyHash? FindKeyHash(KeyHashPrefix prefix, ICacheLog? log = null)
    {
        StoreInventory inventory = _store.TakeInventory(withResponses: false, log ?? NullCacheLog.Instance);
        List<KeyHash> matches = inventory.Entries.Select(entry => entry.Stored.Key).Where(prefix.IsPrefixOf).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new AmbiguousKeyHashException(prefix, Location, matches),
        };
    }

    /// <summary>
    /// Another program's lower cap, when its last rewrite shows one: it evicted entries of this module's (known when
    /// the module's last snapshot is, see ForeignRewrite.Reconcile) down to fewer than this cache's MaxEntries. An
    /// empty rewrite is its clear(), and evictions down to this cache's own cap are what this cache does too.
    /// </summary>
    private string? LowerCapWarning(ForeignRewriteSeen? rewrite, CacheConfiguration configuration)
    {
        if (rewrite is null || rewrite.Entries == 0 || rewrite.Entries >= configuration.MaxEntries || rewrite.Evicted == 0)
        {
            return null;
        }

        string advice = $"Either it has a lower cap, down to which it evicts on every write (the Python CacheManager's max_entries is 100 unless given another; give it max_entries={configuration.MaxEntries} to keep what this module keeps), or it wrote back a copy it loaded before this module wrote them, or after its own clear() (a program that takes no lock writes back only what it loaded: open it again after this module writes).";
        return rewrite.Evicted is int evicted
            ? $"'{_store.CacheFile}' was rewritten by another program, which dropped {evicted} of this module's entries to keep {rewrite.Entries} entries: fewer than this cache's MaxEntries ({configuration.MaxEntries}). {advice}"
            : $"'{_store.CacheFile}' was rewritten by another program, last seen holding {rewrite.Entries} entries: fewer than this cache's MaxEntries ({configuration.MaxEntries}). {advice}";
    }

    /// <summary>The cache's counts and configuration; entries older than the policy's TtlDays (the cache's when it gives none) count as expired.</summary>
    public CacheStatistics GetStatistics(CachePolicy policy, ICacheLog? log = null)
    {
        log ??= NullCacheLog.Instance;
        ApplyCaps(policy, log, CancellationToken.None);
        StoreInventory inventory = _store.TakeInventory(withResponses: false, log);
        CacheConfiguration configuration = inventory.Configuration;
        double ttlSeconds = policy.FreshnessSeconds(configuration);
        double now = UnixTime.ToSeconds(_clock.Now);
        int expired = inventory.Entries.Count(entry => CacheEntry.IsExpired(entry.Stored.CreatedAt, entry.Stored.ExpiresAt, now, ttlSeconds));
        long hits = Interlocked.Read(ref _hits);
        long misses = Interlocked.Read(ref _misses);
        if (LowerCapWarning(inventory.ForeignRewrite, configuration) is string warning)
        {
            log.Warning(warning);
        }

        List<StoredResponse> served = inventory.Entries.Select(entry => entry.Stored).Where(entry => entry.Hits > 0).ToList();
        ModelPrices prices = _store.GetPrices(log);
        // Entries gone from the cache saved what they saved: the ledger keeps it.
        IReadOnlyDictionary<string, SavedTotals> gone = _store.GetSavings(log).Gone;
        SavedCost saved = SavedCost.Of(served, gone, prices);
        return new CacheStatistics
        {
            SavedCost = prices.Count == 0 ? null : saved.Cost,
            UnpricedInputTokens = prices.Count == 0 ? null : saved.UnpricedInputTokens,
            UnpricedOutputTokens = prices.Count == 0 ? null : saved.UnpricedOutputTokens,
            EntryHits = served.Sum(entry => entry.Hits) + gone.Values.Sum(model => model.Hits),
            SavedInputTokens = served.Sum(entry => (entry.Usage.InputTokens ?? 0) * entry.Hits) + gone.Values.Sum(model => model.InputTokens),
            SavedOutputTokens = served.Sum(entry => (entry.Usage.OutputTokens ?? 0) * entry.Hits) + gone.Values.Sum(model => model.OutputTokens),
            SavedProducerTime = TimeSpan.FromSeconds(served.Sum(entry => (entry.Usage.ProducerSeconds ?? 0) * entry.Hits) + gone.Values.Sum(model => model.ProducerSeconds)),
            TotalEntries = inventory.Entries.Count,
            FileEntries = inventory.FileEntries,
            ExpiredEntries = expired,
            ActiveEntries = inventory.Entries.Count - expired,
            MaxEntries = configuration.MaxEntries,
            MaxSizeMB = configuration.MaxSizeMB,
            TtlDays = configuration.TtlDays,
            CacheFile = _store.CacheFile,
            Location = Location,
            CacheSizeKB = Math.Round(inventory.SizeBytes / 1024.0, 2),
            Hits = hits,
            Misses = misses,
            HitRatio = hits + misses == 0 ? 0 : (double)hits / (hits + misses),
            Evictions = Interlocked.Read(ref _evictions),
            SharedHits = inventory.SharedHits,
            SharedMisses = inventory.SharedMisses,
        };
    }

    /// <summary>The cache's configuration, as every process sees it: the defaults until one is stored.</summary>
    public CacheConfiguration GetConfiguration(ICacheLog? log = null) => _store.GetConfiguration(log ?? NullCacheLog.Instance);

    /// <summary>
    /// Changes the given values of the cache's configuration (null keeps one; a size cap of 0 removes it), stores it
    /// for every process, and evicts least recently used entries beyond the new caps at once. With
    /// <paramref name="preview"/> nothing changes: the result says what would.
    /// </summary>
    public CacheConfigurationChange Configure(int? maxEntries = null, long? maxBytes = null, double? ttlDays = null, bool preview = false, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        // Refuses bad values before the store is asked anything.
        _ = CacheConfiguration.Default.With(maxEntries, maxBytes, ttlDays);
        log ??= NullCacheLog.Instance;
        CacheConfigurationChange change = _store.Configure(maxEntries, maxBytes, ttlDays, preview, log, cancellation);
        if (!preview)
        {
            if (!change.Current.Equals(change.Previous))
            {
                log.Verbose($"The cache at {Location} is now configured with {change.Current} (was {change.Previous}); every call that sets no caps uses these.");
            }

            CountEvictions(change.Evicted, log);
        }

        return change;
    }

    /// <summary>Writes what this process still holds only in memory (access times); never throws for a busy cache.</summary>
    public void Flush(ICacheLog? log = null) => _store.Flush(log ?? NullCacheLog.Instance);

    /// <summary>The user's prices stored in the cache's configuration; none until some are set.</summary>
    public ModelPrices GetPrices(ICacheLog? log = null) => _store.GetPrices(log ?? NullCacheLog.Instance);

    /// <summary>Adds or replaces the prices of <paramref name="changes"/>' models and removes those of <paramref name="removals"/>, for every process; returns the prices stored afterwards.</summary>
    public ModelPrices SetPrices(IReadOnlyCollection<ModelPrice> changes, IReadOnlyCollection<string> removals, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        if (changes is null)
        {
            throw new ArgumentNullException(nameof(changes));
        }

        if (removals is null)
        {
            throw new ArgumentNullException(nameof(removals));
        }

        log ??= NullCacheLog.Instance;
        ModelPrices stored = _store.ChangePrices(prices => prices.With(changes, removals), log, cancellation);
        log.Verbose($"The cache at {Location} now knows the prices of {stored.Count} models.");
        return stored;
    }

    /// <summary>The entries fresh under the cache's TTL, least recently used first, with their times: what a copy takes.</summary>
    public IReadOnlyList<StoredResponse> Export(ICacheLog? log = null, CancellationToken cancellation = default)
    {
        StoreInventory inventory = _store.TakeInventory(withResponses: true, log ?? NullCacheLog.Instance);
        double now = UnixTime.ToSeconds(_clock.Now);
        double ttlSeconds = inventory.Configuration.TtlSeconds;
        return inventory.Entries
            .Select(entry => entry.Stored)
            .Where(entry => !CacheEntry.IsExpired(entry.CreatedAt, entry.ExpiresAt, now, ttlSeconds))
            .ToList();
    }

    /// <summary>
    /// Stores entries with the times they carry, replacing entries of the same hash, in one change; the recency order
    /// then follows the entries' access times, and least recently used entries beyond the caps go. Returns how many were stored.
    /// </summary>
    public int Import(IReadOnlyCollection<StoredResponse> entries, ICacheLog? log = null, CancellationToken cancellation = default)
    {
        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        foreach (StoredResponse entry in entries)
        {
            // Entries that earlier builds stored deeper than the cache now writes still copy.
            ResponseJson.EnsureSingleValue(entry.ResponseJson, nameof(entries), ResponseJson.MaxReadDepth);
        }

        if (entries.Count == 0)
        {
            return 0;
        }

        log ??= NullCacheLog.Instance;
        List<StoredResponse> oldestFirst = entries.OrderBy(entry => entry.LastAccessed ?? entry.CreatedAt ?? 0).ToList();
        StoreWrite write = _store.Import(oldestFirst, log, cancellation);
        CountEvictions(write.Evicted, log);
        log.Verbose($"Imported {write.Stored} entries into {Location}.");
        return write.Stored;
    }

    /// <summary>A produced response goes into the cache; one the store was too busy or too far to take is still the caller's.</summary>
    private void CacheProduced(string key, KeyHash hash, byte[] response, EntryOptions options, double producerSeconds, IProducerLease? lease, ICacheLog log, CancellationToken cancellation)
    {
        NewEntry entry = PrepareEntry(key, hash, response, options, producerSeconds, "produce", check: true);
        try
        {
            Put(new[] { entry }, lease, log, cancellation);
        }
        catch (Exception ex) when (ex is CacheUnavailableException or CacheLockTimeoutException or CacheStorageException)
        {
            log.Warning($"The response for key {hash.ToShortString()} was produced but not cached: {ex.Message}");
        }
    }

    private void Put(IReadOnlyList<NewEntry> entries, IProducerLease? lease, ICacheLog log, CancellationToken cancellation)
    {
        if (entries.Count == 0)
        {
            return;
        }

        StoreWrite write = _store.Put(entries, lease, log, cancellation);
        log.Verbose(entries.Count == 1
            ? $"Cached the response for key {entries[0].Hash.ToShortString()} in {Location}."
            : $"Cached {entries.Count} responses in {Location}.");
        CountEvictions(write.Evicted, log);
        if (write.MaxBytes is long cap && write.TotalBytes > cap)
        {
            log.Warning($"The newest response takes {write.TotalBytes:N0} bytes, more than the whole size cap of {cap:N0} bytes; it is cached until a newer entry pushes it out.");
        }
    }

    /// <param name="check">Parses the JSON first: a producer's output is checked; what a caller hands to SetMany is checked already (the contract).</param>
    /// <param name="producerSeconds">How long the producer ran, when this cache ran it; a reply's own duration (Ollama's) wins.</param>
    private NewEntry PrepareEntry(string key, KeyHash hash, byte[]? responseJson, EntryOptions options, double? producerSeconds, string parameterName, bool check)
    {
        if (responseJson is null)
        {
            throw new ArgumentNullException(parameterName, "A response must not be null.");
        }

        if (check)
        {
            ResponseJson.EnsureSingleValue(responseJson, parameterName);
        }

        // The lifetime counts from now, as the entry's creation does; the store judges both by the same clock.
        double? expiresAt = options.ExpiresAfter is TimeSpan lifetime ? UnixTime.ToSeconds(_clock.Now) + lifetime.TotalSeconds : null;
        return new NewEntry(hash, PythonText.Length(key), responseJson, options.Tags, expiresAt, options.ReadUsage(responseJson).WithProducerSeconds(producerSeconds));
    }

    /// <summary>A call that gives caps makes them the cache's before it does anything else; caps the store knows already cost nothing.</summary>
    private void ApplyCaps(CachePolicy policy, ICacheLog log, CancellationToken cancellation)
    {
        if (policy.ChangesCaps && !(_store.KnownConfiguration(log) is CacheConfiguration known && known.Equals(known.With(policy.MaxEntries, policy.MaxBytes))))
        {
            CacheConfigurationChange change = Configure(policy.MaxEntries, policy.MaxBytes, log: log, cancellation: cancellation);
            if (change.Evicted > 0)
            {
                // A console one-liner's caps are every process's from now on: losing entries to them is never silent.
                log.Warning($"Evicted the {change.Evicted} least recently used entries from {Location}: this call changed the cache's caps from {change.Previous} to {change.Current}, for every process that uses it. Set-ResponseCacheConfiguration changes them back.");
            }
        }
    }

    /// <summary><see cref="ApplyCaps"/> for a read, which a store out of reach never fails: its lookup is a miss.</summary>
    private void TryApplyCaps(CachePolicy policy, ICacheLog log, CancellationToken cancellation)
    {
        try
        {
            ApplyCaps(policy, log, cancellation);
        }
        catch (CacheUnavailableException ex)
        {
            log.Verbose($"The caps this call gives could not be applied: {ex.Message}");
        }
    }

    // The Python reference's set(key, None) stores null, and its get() then misses: no response was cached.
    private static StoreLookup WithoutNull(StoreLookup found) => found.Response is byte[] response && IsNullResponse(response) ? StoreLookup.Miss : found;

    private static bool IsNullResponse(byte[] json)
    {
        int start = 0, end = json.Length;
        while (start < end && IsJsonWhiteSpace(json[start]))
        {
            start++;
        }

        while (end > start && IsJsonWhiteSpace(json[end - 1]))
        {
            end--;
        }

        return end - start == 4 && json[start] == (byte)'n' && json[start + 1] == (byte)'u' && json[start + 2] == (byte)'l' && json[start + 3] == (byte)'l';
    }

    private static bool IsJsonWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private void Report(Action<CacheLookupOutcome>? report, CacheLookupStatus status, KeyHash hash, double? createdAt) =>
        report?.Invoke(new CacheLookupOutcome(status, hash, createdAt is double seconds ? UnixTime.FromSeconds(seconds) : null, _clock.Now, Location));

    private byte[]? Counted(KeyHash hash, StoreLookup found, ICacheLog log)
    {
        CountLookup(hit: found.Response is not null);
        log.Verbose(found.Response is null
            ? $"Cache miss for key {hash.ToShortString()} in {Location}."
            : $"Cache hit for key {hash.ToShortString()} in {Location}" + (found.Timestamp is string cachedAt ? $": using the response cached at {cachedAt}." : "."));
        return found.Response;
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
}
