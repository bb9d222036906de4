namespace ResponseCache.Core.Persistence;

internal enum JournalOpKind
{
    Set,
    Remove,
    Touch,
    Clear,
}

/// <summary>One change to the cache, as the journal records it and as replay applies it.</summary>
internal sealed class JournalOp
{
    private JournalOp(JournalOpKind kind, KeyHash key, CacheEntry? entry, double accessedAt, long hits = 0)
    {
        Hits = hits;
        Kind = kind;
        Key = key;
        Entry = entry;
        AccessedAt = accessedAt;
    }

    public JournalOpKind Kind { get; }

    public KeyHash Key { get; }

    /// <summary>The whole entry, for <see cref="JournalOpKind.Set"/>.</summary>
    public CacheEntry? Entry { get; }

    /// <summary>Unix seconds of the last hit, for <see cref="JournalOpKind.Touch"/>.</summary>
    public double AccessedAt { get; }

    /// <summary>For <see cref="JournalOpKind.Touch"/>: the hits this touch adds to the entry's count.</summary>
    public long Hits { get; }

    public static JournalOp Set(CacheEntry entry) => new JournalOp(JournalOpKind.Set, entry.Key, entry, 0);

    public static JournalOp Remove(KeyHash key) => new JournalOp(JournalOpKind.Remove, key, null, 0);

    public static JournalOp Touch(KeyHash key, double accessedAt, long hits = 0) => new JournalOp(JournalOpKind.Touch, key, null, accessedAt, hits);

    public static JournalOp Clear() => new JournalOp(JournalOpKind.Clear, default, null, 0);
}
