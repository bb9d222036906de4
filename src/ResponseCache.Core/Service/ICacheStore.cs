using System.Collections.Generic;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// Where a cache keeps its entries: a directory or a Redis namespace. A store keeps entries, their recency and the
/// cache's configuration, and evicts inside its own changes (atomically, where several writers share it); the rules
/// every cache follows (argument checks, single flight, counters, messages, freshness, caps given by a call) are the
/// <see cref="CacheService"/>'s. Responses arrive as compact JSON of one value, already checked.
/// </summary>
public interface ICacheStore
{
    /// <summary>Where the cache is, for messages and listings: the cache file, or the server and namespace. Never a secret.</summary>
    string Location { get; }

    /// <summary>The cache file statistics name; null for a store that is not a file.</summary>
    string? CacheFile { get; }

    /// <summary>
    /// The entry if it is present and no older than the policy's freshness (else the cache's TTL). A hit that is
    /// not a <see cref="LookupKind.Peek"/> makes the entry the most recently used. An entry older than the cache's
    /// own TTL is removed when that costs no wait. A store that cannot be reached reports it and answers
    /// <see cref="StoreLookup.Unavailable"/>.
    /// </summary>
    StoreLookup Find(KeyHash hash, CachePolicy policy, LookupKind kind, ICacheLog log);

    /// <summary>The configuration without a round trip where one would cost; null when this store does not know it yet.</summary>
    CacheConfiguration? KnownConfiguration(ICacheLog log);

    /// <summary>
    /// Writes entries created now, evicting least recently used entries beyond the cache's caps, as one change.
    /// <paramref name="lease"/>, when given, is a producer lock of this store's, released with the write.
    /// </summary>
    StoreWrite Put(IReadOnlyList<NewEntry> entries, IProducerLease? lease, ICacheLog log, CancellationToken cancellation);

    /// <summary>Writes entries with the times they carry (replacing those of the same hash), then evicts beyond the caps.</summary>
    StoreWrite Import(IReadOnlyList<StoredResponse> entries, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes entries by hash; returns how many were there.</summary>
    int Remove(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry that has any of the tags (compared as <see cref="EntryTags.Comparer"/> does), in one change; returns how many.</summary>
    int RemoveTagged(IReadOnlyCollection<string> tags, ICacheLog log, CancellationToken cancellation);

    /// <summary>Removes every entry older than <paramref name="ttlSeconds"/> (null: the cache's TTL); returns how many.</summary>
    int RemoveOlderThan(double? ttlSeconds, ICacheLog log, CancellationToken cancellation);

    /// <summary>
    /// Removes every entry of this cache and nothing else; returns how many. What their hits saved stays in the
    /// ledger, unless <paramref name="resetSavings"/> empties the ledger too.
    /// </summary>
    int Clear(ICacheLog log, CancellationToken cancellation, bool resetSavings = false);

    /// <summary>
    /// The cache's savings ledger (<see cref="SavingsLedger"/>): every change that removes an entry with hits (a
    /// removal, an eviction, an expiry, a clear, a replacement) adds them to it in that same change, and hits are
    /// added to their day as they are counted.
    /// </summary>
    SavingsLedger GetSavings(ICacheLog log);

    /// <summary>Every entry, least recently used first (responses only when asked for), with the configuration.</summary>
    StoreInventory TakeInventory(bool withResponses, ICacheLog log);

    CacheConfiguration GetConfiguration(ICacheLog log);

    /// <summary>Changes the given limits (null keeps one; a size cap of 0 removes it) and evicts beyond them; a preview changes nothing.</summary>
    CacheConfigurationChange Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation);

    /// <summary>Writes what is held only in memory (access times); never throws for a busy cache.</summary>
    void Flush(ICacheLog log);

    /// <summary>The prices stored in the cache's configuration; <see cref="ModelPrices.None"/> when none are.</summary>
    ModelPrices GetPrices(ICacheLog log);

    /// <summary>Replaces the stored prices with <paramref name="change"/>'s result on the stored ones, as one change; returns what was stored.</summary>
    ModelPrices ChangePrices(System.Func<ModelPrices, ModelPrices> change, ICacheLog log, CancellationToken cancellation);
}

/// <summary>What a lookup is for: the stores that count lookups of every process (Redis) count by it.</summary>
public enum LookupKind
{
    /// <summary>A plain read: a hit or a miss.</summary>
    Get,

    /// <summary>A get-or-add's first look: a hit, or nothing yet (its miss counts once it produces).</summary>
    GetOrAdd,

    /// <summary>A second look by a caller that now owns the producer run: counts nothing and touches nothing.</summary>
    Peek,
}
