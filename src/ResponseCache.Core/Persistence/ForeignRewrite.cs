using System;
using System.Collections.Generic;
using System.Linq;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// What survives a rewrite of ai_responses.json by a program that takes no lock (the Python reference): that program
/// read the snapshot, never the journal, so every journaled change is one it could not have known, and is applied
/// again over its rewrite, in order. Two exceptions keep what it did on purpose: a rewrite with no entries (its
/// clear(), or the file deleted) keeps none of the journal, and a key it holds with a later created_at than the
/// module's set keeps its own entry. Its removals and evictions of entries the journal does not set again stay done.
/// </summary>
internal static class ForeignRewrite
{
    /// <summary>The journal's changes to apply over <paramref name="rewrite"/>; empty when none survive.</summary>
    public static List<JournalOp> ChangesToReapply(LruIndex rewrite, List<JournalOp> journal)
    {
        if (rewrite.Count == 0)
        {
            return new List<JournalOp>();
        }

        return journal.Where(op => !IsOlderThanTheRewrites(op, rewrite)).ToList();
    }

    /// <summary>
    /// Entries this process held that the rewrite lacks and could not have evicted: the rewriter removes only what
    /// its LRU eviction picks (the least recently used first), expired entries and everything at a clear(), so an
    /// entry more recently used than the rewrite's least recent one was never in the file it read. Not for an empty
    /// rewrite (a clear), nor for keys the journal changes, which say for themselves what became of them.
    /// </summary>
    /// <param name="rewrite">The rewrite's entries, sorted by recency, before the journal is applied.</param>
    public static List<CacheEntry> EntriesItNeverSaw(LruIndex held, LruIndex rewrite, List<JournalOp> journal)
    {
        var unseen = new List<CacheEntry>();
        if (rewrite.Oldest is not CacheEntry leastRecent || journal.Any(op => op.Kind == JournalOpKind.Clear))
        {
            return unseen;
        }

        var changedByJournal = new HashSet<KeyHash>(journal.Select(op => op.Key));
        foreach (CacheEntry entry in held.OldestFirst())
        {
            if (entry.RecencyKey > leastRecent.RecencyKey && !rewrite.TryGet(entry.Key, out _) && !changedByJournal.Contains(entry.Key))
            {
                unseen.Add(entry);
            }
        }

        return unseen;
    }

    /// <summary>
    /// How long before the module's last snapshot was written an entry it lacks may have been created by the other
    /// program and still be that program's own, not one the module removed: the other program stamps created_at,
    /// then writes the whole file, and the module may write its snapshot in between.
    /// </summary>
    public const double ConcurrentWriteSeconds = 5;

    /// <summary>
    /// Compares a rewrite with the snapshot the module last wrote (<paramref name="module"/>), which the rewriter may
    /// have loaded long before, or never: what the module put there and the rewriter could not have removed is
    /// restored, and what the module had removed and the rewriter wrote back is removed again. Not for an empty
    /// rewrite (a clear), nor for keys the journal changes, which say for themselves what became of them.
    /// </summary>
    /// <param name="rewrite">The rewrite's entries, before the journal is applied.</param>
    /// <param name="isExpired">Under the module's TTL: an expired entry the rewrite lacks stays removed.</param>
    public static Reconciliation Reconcile(LruIndex rewrite, ModuleSnapshot module, List<JournalOp> journal, Func<CacheEntry, bool> isExpired)
    {
        var result = new Reconciliation(rewrite.Count);
        if (rewrite.Count == 0 || journal.Any(op => op.Kind == JournalOpKind.Clear))
        {
            return result;
        }

        var changedByJournal = new HashSet<KeyHash>(journal.Where(op => op.Kind != JournalOpKind.Touch).Select(op => op.Key));
        double leastRecent = rewrite.OldestFirst().Min(entry => entry.RecencyKey);
        foreach (CacheEntry ours in module.Entries.OldestFirst())
        {
            if (changedByJournal.Contains(ours.Key))
            {
                continue;
            }

            if (!rewrite.TryGet(ours.Key, out CacheEntry theirs))
            {
                // The rewriter evicts the least recently used first: one created after its least recent entry was
                // last used would have outlived that one, so it was never in the file the rewriter loaded.
                if (isExpired(ours))
                {
                    continue;
                }

                if ((ours.CreatedAt ?? double.MinValue) > leastRecent)
                {
                    result.Restore.Add(ours);
                }
                else
                {
                    result.Evicted++;
                }

                continue;
            }

            double theirsCreated = theirs.CreatedAt ?? double.MinValue;
            double oursCreated = ours.CreatedAt ?? double.MinValue;
            bool oursIsNewer = oursCreated > theirsCreated;
            bool sameButUsedSince = oursCreated == theirsCreated && (ours.RecencyKey > theirs.RecencyKey || ours.Hits > theirs.Hits);
            if (oursIsNewer || sameButUsedSince)
            {
                ours.LastAccessed = Math.Max(ours.RecencyKey, theirs.RecencyKey);
                ours.Hits = Math.Max(ours.Hits, theirs.Hits);
                result.Restore.Add(ours);
            }
        }

        double removedBefore = module.WrittenAt - ConcurrentWriteSeconds;
        foreach (CacheEntry theirs in rewrite.OldestFirst())
        {
            if (!module.Entries.TryGet(theirs.Key, out _) && !changedByJournal.Contains(theirs.Key) && (theirs.CreatedAt ?? double.MaxValue) < removedBefore)
            {
                result.RemoveAgain.Add(theirs.Key);
            }
        }

        return result;
    }

    private static bool IsOlderThanTheRewrites(JournalOp op, LruIndex rewrite) =>
        op.Kind == JournalOpKind.Set
        && rewrite.TryGet(op.Key, out CacheEntry theirs)
        && theirs.CreatedAt > op.Entry!.CreatedAt;
}
