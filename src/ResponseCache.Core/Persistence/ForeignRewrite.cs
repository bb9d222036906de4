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

    private static bool IsOlderThanTheRewrites(JournalOp op, LruIndex rewrite) =>
        op.Kind == JournalOpKind.Set
        && rewrite.TryGet(op.Key, out CacheEntry theirs)
        && theirs.CreatedAt > op.Entry!.CreatedAt;
}
