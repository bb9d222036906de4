using System.Collections.Generic;

namespace ResponseCache.Core.Persistence;

/// <summary>What one look at the files found, before it is accepted: the snapshot (when read whole) and the journal.</summary>
internal sealed class FileRead
{
    public FileRead(SnapshotContent? snapshot, SnapshotIdentity identity, JournalContent journal, long journalStart, FileSignature snapshotSeen, FileSignature journalSeen)
    {
        Snapshot = snapshot;
        Identity = identity;
        Journal = journal;
        JournalStart = journalStart;
        SnapshotSeen = snapshotSeen;
        JournalSeen = journalSeen;
        JournalOpsToApply = JournalExtendsSnapshot ? journal.Ops : ForeignRewrite.ChangesToReapply(snapshot!.Entries, journal.Ops);
    }

    /// <summary>Null when only the journal's new lines were read.</summary>
    public SnapshotContent? Snapshot { get; }

    public SnapshotIdentity Identity { get; }

    public JournalContent Journal { get; }

    public long JournalStart { get; }

    /// <summary>The stats taken before reading: a change after them shows on the next look.</summary>
    public FileSignature SnapshotSeen { get; }

    public FileSignature JournalSeen { get; }

    /// <summary>
    /// The journal's changes apply to this snapshot: it names it, or is too old to name any, or the snapshot is
    /// damaged (another program's rewrite is sound JSON; a damaged file is this cache's own, harmed, and its salvage
    /// still needs the journal). False when another program rewrote the snapshot after the journal was started.
    /// </summary>
    /// <summary>
    /// The journal's changes that apply over the snapshot read: all of them, or over another program's rewrite those
    /// <see cref="ForeignRewrite"/> keeps. Taken before the snapshot's entries become the engine's memory.
    /// </summary>
    public List<JournalOp> JournalOpsToApply { get; }

    /// <summary>The journal still counts: it extends the snapshot, or has changes to apply again over a rewrite (until a writer folds them in).</summary>
    public bool JournalIsKept => JournalExtendsSnapshot || JournalOpsToApply.Count > 0;

    public bool JournalExtendsSnapshot => Snapshot is null || Snapshot.IsDamaged || Journal.Extends is null || Journal.Extends == Identity;
}
