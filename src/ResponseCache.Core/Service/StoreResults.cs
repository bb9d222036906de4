using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>What a store found for a key.</summary>
public readonly struct StoreLookup
{
    private StoreLookup(byte[]? response, string? timestamp, bool unavailable, double? createdAt = null)
    {
        Response = response;
        Timestamp = timestamp;
        IsUnavailable = unavailable;
        CreatedAt = createdAt;
    }

    /// <summary>The store could not be reached: a miss that must not be cached into either.</summary>
    public static StoreLookup Unavailable { get; } = new StoreLookup(null, null, unavailable: true);

    public static StoreLookup Miss { get; } = new StoreLookup(null, null, unavailable: false);

    /// <summary>The response's JSON; null on a miss.</summary>
    public byte[]? Response { get; }

    /// <summary>The entry's "yyyy-MM-dd HH:mm:ss" creation time, where the store keeps one.</summary>
    public string? Timestamp { get; }

    public bool IsUnavailable { get; }

    /// <summary>The entry's creation time in Unix seconds, where the store reports it.</summary>
    public double? CreatedAt { get; }

    public static StoreLookup Hit(byte[] response, string? timestamp, double? createdAt = null) => new StoreLookup(response, timestamp, unavailable: false, createdAt);
}

/// <summary>An entry to write now: its key's hash, the key's length as Python counts it, its response's JSON, its tags and its own lifetime's end.</summary>
public readonly struct NewEntry
{
    public NewEntry(KeyHash hash, int textLength, byte[] responseJson, IReadOnlyList<string>? tags = null, double? expiresAt = null, EntryUsage? usage = null)
    {
        Usage = usage ?? EntryUsage.None;
        Hash = hash;
        TextLength = textLength;
        ResponseJson = responseJson;
        Tags = tags ?? System.Array.Empty<string>();
        ExpiresAt = expiresAt;
    }

    /// <summary>Empty for none.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>What producing the response cost, as far as it is known.</summary>
    public EntryUsage Usage { get; }

    /// <summary>Unix seconds at which the entry's own lifetime ends; null: the cache's TTL alone.</summary>
    public double? ExpiresAt { get; }

    public KeyHash Hash { get; }

    public int TextLength { get; }

    public byte[] ResponseJson { get; }
}

/// <summary>What a write did: how many entries it stored and evicted, and whether the newest alone exceeds the size cap.</summary>
public readonly struct StoreWrite
{
    public StoreWrite(int stored, int evicted, long totalBytes, long? maxBytes)
    {
        Stored = stored;
        Evicted = evicted;
        TotalBytes = totalBytes;
        MaxBytes = maxBytes;
    }

    public int Stored { get; }

    public int Evicted { get; }

    /// <summary>What the cache's entries take after the write, in the bytes the size cap counts.</summary>
    public long TotalBytes { get; }

    public long? MaxBytes { get; }
}

/// <summary>A store's entries, least recently used first, with the configuration they were judged under.</summary>
public sealed class StoreInventory
{
    public StoreInventory(CacheConfiguration configuration, IReadOnlyList<InventoryEntry> entries, long sizeBytes, long? sharedHits = null, long? sharedMisses = null)
    {
        Configuration = configuration;
        Entries = entries;
        SizeBytes = sizeBytes;
        SharedHits = sharedHits;
        SharedMisses = sharedMisses;
    }

    public CacheConfiguration Configuration { get; }

    public IReadOnlyList<InventoryEntry> Entries { get; }

    /// <summary>What the cache takes where it is kept: the file on disk, or the entries' sizes.</summary>
    public long SizeBytes { get; }

    /// <summary>Lookups of every process sharing the store, where it counts them.</summary>
    public long? SharedHits { get; }

    public long? SharedMisses { get; }

    /// <summary>Entries in the store's file, where a program that reads only that file sees fewer than the store serves (the directory store); null otherwise.</summary>
    public int? FileEntries { get; internal set; }

    /// <summary>The last rewrite of the file by another program (which may cap the cache lower); null if none was seen.</summary>
    public ForeignRewriteSeen? ForeignRewrite { get; internal set; }
}

/// <summary>What a store saw of another program's rewrite of its file.</summary>
public sealed class ForeignRewriteSeen
{
    public ForeignRewriteSeen(int entries, int? evicted)
    {
        Entries = entries;
        Evicted = evicted;
    }

    /// <summary>Entries the rewrite held.</summary>
    public int Entries { get; }

    /// <summary>The store's entries the rewrite dropped that its writer could only have evicted; null when the store's last write is not known.</summary>
    public int? Evicted { get; }
}

/// <summary>An entry as a store holds it (its response empty unless asked for), and what it counts against the size cap.</summary>
public sealed class InventoryEntry
{
    public InventoryEntry(StoredResponse stored, long sizeBytes)
    {
        Stored = stored;
        SizeBytes = sizeBytes;
    }

    public StoredResponse Stored { get; }

    public long SizeBytes { get; }
}
