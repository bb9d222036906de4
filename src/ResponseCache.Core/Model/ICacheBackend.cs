using System;
using System.Collections.Generic;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// One cache, wherever it is kept: a directory (<see cref="DirectoryCache"/>) or a namespace on a Redis server.
/// The cmdlets talk to this alone. Responses handed in are compact UTF-8 JSON of one value within the depth limit,
/// already checked by the caller; keys are hashed with <see cref="KeyHash.Compute"/> by every backend alike.
/// </summary>
public interface ICacheBackend
{
    /// <summary>Where the cache is, for messages and listings: the cache file, or the server and namespace. Never a secret.</summary>
    string Location { get; }

    /// <summary>The cached response's JSON, or null on a miss; an entry older than the policy's TtlDays is a miss.</summary>
    /// <param name="report">Told what the lookup did (<see cref="CacheLookupOutcome"/>), when given.</param>
    byte[]? Get(string key, CachePolicy policy, ICacheLog log, Action<CacheLookupOutcome>? report = null);

    /// <summary>
    /// The cached response, or else the one <paramref name="produce"/> returns (null: nothing to cache), cached before it
    /// is returned. Concurrent callers for one key share a single run of the producer and its outcome.
    /// </summary>
    /// <param name="entry">The tags and lifetime of the entry produced; null for none.</param>
    /// <param name="report">Told what the lookup did (<see cref="CacheLookupOutcome"/>), when given.</param>
    byte[]? GetOrAdd(string key, CachePolicy policy, bool refresh, Func<byte[]?> produce, ICacheLog log, CancellationToken cancellation, EntryOptions? entry = null, Action<CacheLookupOutcome>? report = null);

    /// <summary>Stores responses and evicts least recently used entries beyond the cache's caps, as one change.</summary>
    /// <param name="entry">The tags and lifetime of every entry stored; null for none.</param>
    void SetMany(IReadOnlyCollection<KeyValuePair<string, byte[]>> items, CachePolicy policy, ICacheLog log, CancellationToken cancellation, EntryOptions? entry = null);

    /// <summary>Removes entries by key hash; returns how many were there.</summary>
    int RemoveMany(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry that has any of the tags (in any case), in one change; returns how many.</summary>
    int RemoveTagged(IReadOnlyCollection<string> tags, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry whose reply names any of the models (in any case), in one change; returns how many.</summary>
    int RemoveModels(IReadOnlyCollection<string> models, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry older than the policy's TtlDays (the cache's when it gives none); returns how many.</summary>
    int RemoveExpired(CachePolicy policy, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry of this cache and nothing else; returns how many. What they saved stays counted unless <paramref name="resetSavings"/>.</summary>
    int Clear(ICacheLog log, CancellationToken cancellation, bool resetSavings = false);

    /// <summary>What hits saved, per model per UTC day, oldest first; only <paramref name="models"/>' (any case; null: all) and from <paramref name="since"/>'s day on (null: every day kept).</summary>
    IReadOnlyList<DailySavings> GetSavings(IReadOnlyCollection<string>? models, DateTime? since, ICacheLog log);

    /// <summary>Every entry's metadata, least recently used first.</summary>
    IReadOnlyList<CacheEntryInfo> ListEntries(CachePolicy policy, ICacheLog log);

    /// <summary>The hash of the one listed entry (expired ones too) whose hash starts with <paramref name="prefix"/>; null when none does.</summary>
    /// <exception cref="AmbiguousKeyHashException">Several entries' hashes start with it.</exception>
    KeyHash? FindKeyHash(KeyHashPrefix prefix, ICacheLog log);

    CacheStatistics GetStatistics(CachePolicy policy, ICacheLog log);

    CacheConfiguration GetConfiguration(ICacheLog log);

    /// <summary>Changes the given limits (null keeps one; a size cap of 0 removes it) and evicts beyond them; a preview changes nothing.</summary>
    CacheConfigurationChange Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation);

    /// <summary>Writes what this process still holds only in memory (access times); never throws for a busy cache.</summary>
    void Flush(ICacheLog log);

    /// <summary>The user's prices stored in the cache's configuration; none until some are set.</summary>
    ModelPrices GetPrices(ICacheLog log);

    /// <summary>Adds or replaces the prices of <paramref name="changes"/>' models and removes those of <paramref name="removals"/>, for every process; returns the prices stored afterwards.</summary>
    ModelPrices SetPrices(IReadOnlyCollection<ModelPrice> changes, IReadOnlyCollection<string> removals, ICacheLog log, CancellationToken cancellation);

    /// <summary>The unexpired entries with their times, least recently used first: what a copy to another cache takes.</summary>
    IReadOnlyList<StoredResponse> Export(ICacheLog log, CancellationToken cancellation);

    /// <summary>Stores entries with the times they carry (replacing entries of the same hash), except those already older than the cache's TTL, then evicts beyond the caps; returns how many were stored.</summary>
    int Import(IReadOnlyCollection<StoredResponse> entries, ICacheLog log, CancellationToken cancellation);
}
