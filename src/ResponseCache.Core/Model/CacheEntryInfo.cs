using System;
using System.Linq;

namespace ResponseCache.Core;

/// <summary>An entry's metadata, without its response: what Get-CacheEntry lists.</summary>
public sealed class CacheEntryInfo
{
    /// <summary>An entry of any backend; <see cref="Path"/> and <see cref="CacheFile"/> stay empty outside the file backend.</summary>
    internal CacheEntryInfo(InventoryEntry entry, double ttlSeconds, double nowSeconds, ICacheBackend source, string? cacheFile)
        : this(entry.Stored.Key, entry.Stored.CreatedAt, entry.Stored.LastAccessed, entry.SizeBytes, entry.Stored.TextLength, entry.Stored.Timestamp, source)
    {
        Tags = entry.Stored.Tags.ToArray();
        EntryUsage usage = entry.Stored.Usage;
        Model = usage.Model;
        InputTokens = usage.InputTokens;
        OutputTokens = usage.OutputTokens;
        CachedInputTokens = usage.CachedInputTokens;
        ProducerTime = usage.ProducerSeconds is double seconds && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)) : null;
        Hits = entry.Stored.Hits;
        Expires = ToLocal(CacheEntry.ExpiryTime(entry.Stored.CreatedAt, entry.Stored.ExpiresAt, ttlSeconds));
        IsExpired = CacheEntry.IsExpired(entry.Stored.CreatedAt, entry.Stored.ExpiresAt, nowSeconds, ttlSeconds);
        CacheFile = cacheFile;
        Path = cacheFile is null ? null : System.IO.Path.GetDirectoryName(cacheFile);
    }

    private CacheEntryInfo(KeyHash key, double? createdAt, double? lastAccessed, long sizeBytes, long? textLength, string? timestamp, ICacheBackend source)
    {
        KeyHash = key.ToString();
        Created = ToLocal(createdAt);
        LastAccessed = ToLocal(lastAccessed);
        SizeBytes = sizeBytes;
        TextLength = textLength;
        Timestamp = timestamp;
        Location = source.Location;
        Source = source;
    }

    /// <summary>The entry's name in ai_responses.json: the SHA-256 of its key text.</summary>
    public string KeyHash { get; }

    public DateTime? Created { get; }

    public DateTime? LastAccessed { get; }

    /// <summary>When the entry stops being served under the TTL asked for; null for entries that never expire (no creation time, or a time out of range).</summary>
    public DateTime? Expires { get; }

    public bool IsExpired { get; }

    /// <summary>The entry's tags, as -Tag gave them; empty for none.</summary>
    public string[] Tags { get; } = Array.Empty<string>();

    /// <summary>The model the reply names; null when it names none.</summary>
    public string? Model { get; }

    /// <summary>The input tokens the reply was billed for (cached ones included); null when the reply does not say.</summary>
    public long? InputTokens { get; }

    public long? OutputTokens { get; }

    /// <summary>The input tokens the provider served from its own prompt cache.</summary>
    public long? CachedInputTokens { get; }

    /// <summary>How long producing the reply took: get-or-add's run, or the reply's own duration (Ollama's); null when unknown.</summary>
    public TimeSpan? ProducerTime { get; }

    /// <summary>How many times the entry was served, by every process sharing the cache.</summary>
    public long Hits { get; }

    /// <summary>About what the entry takes in the cache file.</summary>
    public long SizeBytes { get; }

    /// <summary>The length of the key text, as the reference counts it.</summary>
    public long? TextLength { get; }

    /// <summary>The reference's human-readable creation time.</summary>
    public string? Timestamp { get; }

    /// <summary>The directory of the cache the entry is in: what -Path takes, so maintenance pipelines act on that cache. Null outside the file backend.</summary>
    public string? Path { get; }

    /// <summary>The cache file the entry is in; null outside the file backend.</summary>
    public string? CacheFile { get; }

    /// <summary>Where the entry is: its cache file, or its Redis server and namespace.</summary>
    public string Location { get; }

    /// <summary>The cache this entry was listed from, so a piped entry is removed from it.</summary>
    internal ICacheBackend Source { get; }

    // Times out of range (milliseconds written by other tools, a TTL of centuries) are unknown: shown empty.
    private static DateTime? ToLocal(double? unixSeconds) =>
        unixSeconds is double seconds ? UnixTime.FromSeconds(seconds)?.LocalDateTime : null;
}
