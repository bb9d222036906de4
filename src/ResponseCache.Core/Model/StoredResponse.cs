namespace ResponseCache.Core;

/// <summary>An entry as it moves between caches: its response and the times that decide its expiry and recency.</summary>
public sealed class StoredResponse
{
    public StoredResponse(KeyHash key, byte[] responseJson, double? createdAt, double? lastAccessed, string? timestamp, long? textLength)
    {
        Key = key;
        ResponseJson = responseJson;
        CreatedAt = createdAt;
        LastAccessed = lastAccessed;
        Timestamp = timestamp;
        TextLength = textLength;
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
}
