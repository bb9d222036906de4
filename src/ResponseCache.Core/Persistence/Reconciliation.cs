using System.Collections.Generic;

namespace ResponseCache.Core.Persistence;

/// <summary>What <see cref="ForeignRewrite.Reconcile"/> found comparing another program's rewrite with the module's last snapshot.</summary>
internal sealed class Reconciliation
{
    public Reconciliation(int rewriteEntries)
    {
        RewriteEntries = rewriteEntries;
    }

    /// <summary>How many entries the rewrite held.</summary>
    public int RewriteEntries { get; }

    /// <summary>The module's entries to put back: ones the rewriter never saw, and the module's newer versions of ones it holds.</summary>
    public List<CacheEntry> Restore { get; } = new List<CacheEntry>();

    /// <summary>Keys the module had removed before its last snapshot that the rewriter wrote back from an older copy.</summary>
    public List<KeyHash> RemoveAgain { get; } = new List<KeyHash>();

    /// <summary>The module's entries the rewrite lacks that its rewriter could only have evicted (by its own cap).</summary>
    public int Evicted { get; set; }

    public bool ChangesAnything => Restore.Count > 0 || RemoveAgain.Count > 0;
}
