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
    private JournalOp(JournalOpKind kind, KeyHash key, CacheEntry? entry, double accessedAt)
    {
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

    public static JournalOp Set(CacheEntry entry) => new JournalOp(JournalOpKind.Set, entry.Key, entry, 0);

    public static JournalOp Remove(KeyHash key) => new JournalOp(JournalOpKind.Remove, key, null, 0);

    public static JournalOp Touch(KeyHash key, double accessedAt) => new JournalOp(JournalOpKind.Touch, key, null, accessedAt);

    public static JournalOp Clear() => new JournalOp(JournalOpKind.Clear, default, null, 0);
}
