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

    private static bool IsOlderThanTheRewrites(JournalOp op, LruIndex rewrite) =>
        op.Kind == JournalOpKind.Set
        && rewrite.TryGet(op.Key, out CacheEntry theirs)
        && theirs.CreatedAt > op.Entry!.CreatedAt;
}
