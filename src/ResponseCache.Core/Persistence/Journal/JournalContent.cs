using System.Collections.Generic;

namespace ResponseCache.Core.Persistence;

/// <summary>What a read of the journal found.</summary>
internal sealed class JournalContent
{
    public JournalContent(List<JournalOp> ops, int validLength, int discardedLength, bool isDamaged, SnapshotIdentity? extends)
    {
        Extends = extends;
        Ops = ops;
        ValidLength = validLength;
        DiscardedLength = discardedLength;
        IsDamaged = isDamaged;
    }

    /// <summary>The changes of every sound line, in the order they were made.</summary>
    public List<JournalOp> Ops { get; }

    /// <summary>Bytes up to the end of the last sound line: where the next append goes.</summary>
    public int ValidLength { get; }

    /// <summary>Bytes after the last sound line: an append cut short by a crash.</summary>
    public int DiscardedLength { get; }

    /// <summary>The snapshot the journal's first line names (read from the start only); null for journals older than that field.</summary>
    public SnapshotIdentity? Extends { get; }

    /// <summary>A line that has its newline did not decode: not a crash, the file itself was harmed.</summary>
    public bool IsDamaged { get; }
}
