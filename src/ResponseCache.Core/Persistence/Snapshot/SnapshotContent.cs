namespace ResponseCache.Core.Persistence;

/// <summary>What a read of ai_responses.json found: the sound entries, and whether the file needs attention.</summary>
internal sealed class SnapshotContent
{
    public SnapshotContent(LruIndex entries, string? damage, bool hasByteOrderMark)
    {
        Entries = entries;
        Damage = damage;
        HasByteOrderMark = hasByteOrderMark;
    }

    public static SnapshotContent Empty => new SnapshotContent(new LruIndex(), damage: null, hasByteOrderMark: false);

    /// <summary>Every sound entry, in file order; a key written twice keeps its last value, as JSON readers do.</summary>
    public LruIndex Entries { get; }

    /// <summary>Why the file is damaged, or null when it is sound.</summary>
    public string? Damage { get; }

    public bool IsDamaged => Damage is not null;

    /// <summary>A byte-order mark (as Windows tools write) is harmless here but stops the Python reference, so it is rewritten away.</summary>
    public bool HasByteOrderMark { get; }
}
