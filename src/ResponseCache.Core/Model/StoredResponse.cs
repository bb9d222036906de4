using System;
using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>An entry as it moves between caches: its response, the times that decide its expiry and recency, and its tags.</summary>
public sealed class StoredResponse
{
    public StoredResponse(KeyHash key, byte[] responseJson, double? createdAt, double? lastAccessed, string? timestamp, long? textLength, IReadOnlyList<string>? tags = null, double? expiresAt = null, EntryUsage? usage = null, long hits = 0)
    {
        Usage = usage ?? EntryUsage.None;
        Hits = hits;
        Key = key;
        ResponseJson = responseJson;
        CreatedAt = createdAt;
        LastAccessed = lastAccessed;
        Timestamp = timestamp;
        TextLength = textLength;
        Tags = tags ?? Array.Empty<string>();
        ExpiresAt = expiresAt;
    }

    public KeyHash Key { get; }

    /// <summary>Compact UTF-8 JSON of one value.</summary>
    public byte[] ResponseJson { get; }

    /// <summary>Unix seconds of creation; null for entries that never expire.</summary>
    public double? CreatedAt { get; }

    /// <summary>Unix seconds of the last hit (or creation).</summary>
    public double? LastAccessed { get; }

    /// <summary>The reference's "yyyy-MM-dd HH:mm:ss" creation time.</summary>
    public string? Timestamp { get; }

    /// <summary>The key's length as Python's len() counts it.</summary>
    public long? TextLength { get; }

    /// <summary>What producing the response cost, as far as it is known.</summary>
    public EntryUsage Usage { get; }

    /// <summary>How many times the entry was served, by every process sharing the cache.</summary>
    public long Hits { get; }

    /// <summary>The entry's tags; empty for none.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Unix seconds at which the entry's own lifetime ends (the cache's TTL may end it first); null for none.</summary>
    public double? ExpiresAt { get; }
}
