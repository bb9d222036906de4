namespace ResponseCache.Core;

/// <summary>The reference's get_stats(), plus what this process has counted.</summary>
public sealed class CacheStatistics
{
    /// <summary>Entries the module serves: for a cache directory, ai_responses.json and its journal together.</summary>
    public int TotalEntries { get; internal set; }

    /// <summary>
    /// Entries in ai_responses.json alone: what the Python CacheManager, which does not read the journal, counts as
    /// its total_entries. Below TotalEntries only until the journal is folded in. Null outside the file backend.
    /// </summary>
    public int? FileEntries { get; internal set; }

    public int ExpiredEntries { get; internal set; }

    public int ActiveEntries { get; internal set; }

    /// <summary>The cache's configured entry cap.</summary>
    public int MaxEntries { get; internal set; }

    /// <summary>The cache's configured size cap in MiB; null for none.</summary>
    public double? MaxSizeMB { get; internal set; }

    /// <summary>The cache's configured TTL.</summary>
    public double TtlDays { get; internal set; }

    /// <summary>The cache file; null outside the file backend.</summary>
    public string? CacheFile { get; internal set; }

    /// <summary>Where the cache is: its cache file, or its Redis server and namespace.</summary>
    public string Location { get; internal set; } = string.Empty;

    /// <summary>The cache's size in KiB (the file's, or the entries' in Redis), rounded to two places as the reference rounds it.</summary>
    public double CacheSizeKB { get; internal set; }

    /// <summary>Hits served by this process since the cache was first used in it.</summary>
    public long Hits { get; internal set; }

    public long Misses { get; internal set; }

    /// <summary>Hits / (Hits + Misses), or 0 before the first lookup.</summary>
    public double HitRatio { get; internal set; }

    /// <summary>Entries this process evicted to stay within MaxEntries.</summary>
    public long Evictions { get; internal set; }

    /// <summary>Hits on the entries now in the cache, by every process that shares it: what the cache served instead of a producer.</summary>
    public long EntryHits { get; internal set; }

    /// <summary>The input tokens those hits did not pay for: each entry's input tokens times its hits.</summary>
    public long SavedInputTokens { get; internal set; }

    /// <summary>The output tokens those hits did not pay for: each entry's output tokens times its hits.</summary>
    public long SavedOutputTokens { get; internal set; }

    /// <summary>The producer time those hits did not wait for: each entry's producer time times its hits.</summary>
    public System.TimeSpan SavedProducerTime { get; internal set; }

    /// <summary>
    /// The money those hits saved at the prices of the cache's configuration (per million tokens): each priced
    /// entry's tokens times its hits. Null when no entry's model has a price.
    /// </summary>
    public double? SavedCost { get; internal set; }

    /// <summary>Saved input tokens of entries whose model has no price, so SavedCost is read for what it covers; null while no prices are set.</summary>
    public long? UnpricedInputTokens { get; internal set; }

    /// <summary>Saved output tokens of entries whose model has no price; null while no prices are set.</summary>
    public long? UnpricedOutputTokens { get; internal set; }

    /// <summary>Hits counted by every process that shares the cache, where the backend keeps them (Redis); null otherwise.</summary>
    public long? SharedHits { get; internal set; }

    /// <summary>Misses counted by every process that shares the cache, where the backend keeps them (Redis); null otherwise.</summary>
    public long? SharedMisses { get; internal set; }
}
