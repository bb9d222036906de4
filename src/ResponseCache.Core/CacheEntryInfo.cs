using System;

namespace ResponseCache.Core;

/// <summary>An entry's metadata, without its response: what Get-CacheEntry lists.</summary>
public sealed class CacheEntryInfo
{
    internal CacheEntryInfo(CacheEntry entry, double ttlSeconds, double nowSeconds, string directory, string cacheFile)
    {
        KeyHash = entry.Key.ToString();
        Created = ToLocal(entry.CreatedAt);
        LastAccessed = ToLocal(entry.LastAccessed);
        Expires = entry.CreatedAt is double created && UnixTime.IsInRange(created) ? ToLocal(created + ttlSeconds) : null;
        IsExpired = entry.IsExpired(nowSeconds, ttlSeconds);
        SizeBytes = entry.StoredBytes;
        TextLength = entry.TextLength;
        Timestamp = entry.Timestamp;
        Path = directory;
        CacheFile = cacheFile;
    }

    /// <summary>The entry's name in ai_responses.json: the SHA-256 of its key text.</summary>
    public string KeyHash { get; }

    public DateTime? Created { get; }

    public DateTime? LastAccessed { get; }

    /// <summary>When the entry stops being served under the TTL asked for; null for entries that never expire (no creation time, or a time out of range).</summary>
    public DateTime? Expires { get; }

    public bool IsExpired { get; }

    /// <summary>About what the entry takes in the cache file.</summary>
    public long SizeBytes { get; }

    /// <summary>The length of the key text, as the reference counts it.</summary>
    public long? TextLength { get; }

    /// <summary>The reference's human-readable creation time.</summary>
    public string? Timestamp { get; }

    /// <summary>The directory of the cache the entry is in: what -Path takes, so maintenance pipelines act on that cache.</summary>
    public string Path { get; }

    public string CacheFile { get; }

    // Times out of range (milliseconds written by other tools, a TTL of centuries) are unknown: shown empty.
    private static DateTime? ToLocal(double? unixSeconds) =>
        unixSeconds is double seconds ? UnixTime.FromSeconds(seconds)?.LocalDateTime : null;
}
