using System.Collections.Generic;

namespace ResponseCache.Core.Persistence;

/// <summary>What changed on disk since this process last looked, for the engine to apply to its memory.</summary>
internal sealed class DiskChanges
{
    public static readonly DiskChanges Nothing = new DiskChanges(null, new List<JournalOp>(), mustCompact: false);

    public DiskChanges(LruIndex? snapshotEntries, List<JournalOp> journalOps, bool mustCompact, bool isForeignRewrite = false, ModuleSnapshot? lastModuleSnapshot = null)
    {
        LastModuleSnapshot = lastModuleSnapshot;
        SnapshotEntries = snapshotEntries;
        JournalOps = journalOps;
        MustCompact = mustCompact;
        IsForeignRewrite = isForeignRewrite;
    }

    /// <summary>The snapshot was rewritten by a program that takes no lock (see <see cref="ForeignRewrite"/>).</summary>
    public bool IsForeignRewrite { get; }

    /// <summary>Over a foreign rewrite: the snapshot the module last wrote, when it is still known (see <see cref="ModuleSnapshotFile"/>).</summary>
    public ModuleSnapshot? LastModuleSnapshot { get; }

    /// <summary>Every snapshot entry when memory must be rebuilt from scratch; null when the journal's new lines suffice.</summary>
    public LruIndex? SnapshotEntries { get; }

    /// <summary>Journal changes to apply, in order, on top of the snapshot (or of memory).</summary>
    public List<JournalOp> JournalOps { get; }

    /// <summary>The files need rewriting: damage was salvaged, or a byte-order mark must go so the reference can read the file.</summary>
    public bool MustCompact { get; }
}
