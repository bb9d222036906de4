using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>One entry of ai_responses.json, held as the reference writes it.</summary>
internal sealed class CacheEntry
{
    public CacheEntry(KeyHash key, byte[] responseJson)
    {
        Key = key;
        ResponseJson = responseJson;
    }

    public KeyHash Key { get; }

    /// <summary>The response as compact UTF-8 JSON: a string for the reference's text answers, any JSON value otherwise.</summary>
    public byte[] ResponseJson { get; }

    /// <summary>"yyyy-MM-dd HH:mm:ss" local time of creation; absent in hand-made files.</summary>
    public string? Timestamp { get; set; }

    /// <summary>Unix seconds of creation; legacy entries without it (or with a time out of range) never expire.</summary>
    public double? CreatedAt { get; set; }

    /// <summary>Unix seconds of the last hit (or creation).</summary>
    public double? LastAccessed { get; set; }

    /// <summary>The key's length as Python's len() counts it.</summary>
    public long? TextLength { get; set; }

    /// <summary>The entry's tags ("tags" in the file); null for none.</summary>
    public string[]? Tags { get; set; }

    /// <summary>Unix seconds at which the entry's own lifetime ends ("expires_at"); the reference ignores it and keeps its TTL.</summary>
    public double? ExpiresAt { get; set; }

    /// <summary>What producing the response cost ("model", "input_tokens", "output_tokens", "cached_input_tokens", "producer_seconds"); null when nothing is known.</summary>
    public EntryUsage? Usage { get; set; }

    /// <summary>Hits by every process ("hits"): this process's own are counted at once and written with their access times.</summary>
    public long Hits { get; set; }

    /// <summary>This process's hits not yet on disk, written with the access time's touch. Owned by CacheMemory.</summary>
    internal long PendingHits { get; set; }

    /// <summary>Fields this version does not know, kept verbatim so other tools' data survives a rewrite.</summary>
    public List<KeyValuePair<string, byte[]>>? UnknownFields { get; set; }

    /// <summary>
    /// About what the entry takes in ai_responses.json: the response, fields kept from other tools, and the
    /// indented name, timestamp and numbers around them. What the size cap (MaxSizeMB) counts.
    /// </summary>
    public long StoredBytes
    {
        get
        {
            long bytes = CacheConfiguration.EntryOverheadBytes + ResponseJson.Length;

            if (UnknownFields is not null)
            {
                foreach (KeyValuePair<string, byte[]> unknown in UnknownFields)
                {
                    bytes += unknown.Key.Length + unknown.Value.Length + 8;
                }
            }

            return bytes;
        }
    }

    /// <summary>The time the reference sorts by when it evicts.</summary>
    public double RecencyKey => LastAccessed ?? CreatedAt ?? 0;

    /// <summary>Entries without a creation time, or with one no date can hold, never expire.</summary>
    public bool IsExpired(double nowSeconds, double ttlSeconds) => IsExpired(CreatedAt, ExpiresAt, nowSeconds, ttlSeconds);

    /// <summary>
    /// The expiry rule of every backend, for an entry created at <paramref name="createdAt"/> (Unix seconds): older
    /// than the TTL, or past its own lifetime's end <paramref name="expiresAt"/>, whichever comes first.
    /// </summary>
    public static bool IsExpired(double? createdAt, double? expiresAt, double nowSeconds, double ttlSeconds) =>
        (createdAt is double created && UnixTime.IsInRange(created) && nowSeconds - created > ttlSeconds)
        || (expiresAt is double end && nowSeconds > end);

    /// <summary>When the entry stops being served: creation plus the TTL, or its own lifetime's end if sooner; null for never.</summary>
    public static double? ExpiryTime(double? createdAt, double? expiresAt, double ttlSeconds)
    {
        double? byTtl = createdAt is double created && UnixTime.IsInRange(created) ? created + ttlSeconds : null;
        return expiresAt is double end && (byTtl is null || end < byTtl) ? end : byTtl;
    }

    /// <summary>A hit on this entry is in memory only: its access time waits for the next write. Owned by CacheMemory.</summary>
    internal bool AccessPending { get; set; }
}
