using System.Collections.Generic;
using System.Linq;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// The cache in memory: entries in LRU order, hits' access times not yet on disk, and the changes of the call in
/// progress recorded as journal ops. Replayed ops (other processes' changes) are applied without being recorded.
/// Not thread-safe: the engine serialises access.
/// </summary>
internal sealed class CacheState
{
    private readonly Dictionary<KeyHash, double> _pendingAccess = new Dictionary<KeyHash, double>();
    private readonly List<JournalOp> _changes = new List<JournalOp>();

    public LruIndex Index { get; } = new LruIndex();

    public bool HasPendingAccess => _pendingAccess.Count > 0;

    public bool TryGet(KeyHash key, out CacheEntry entry) => Index.TryGet(key, out entry);

    /// <summary>A hit: the entry becomes the most recently used; its access time waits for the next write.</summary>
    public void RecordHit(CacheEntry entry, double now)
    {
        entry.LastAccessed = now;
        Index.Touch(entry);
        _pendingAccess[entry.Key] = now;
    }

    public void Put(CacheEntry entry)
    {
        Index.Put(entry);
        _pendingAccess.Remove(entry.Key);
        _changes.Add(JournalOp.Set(entry));
    }

    public bool Remove(KeyHash key)
    {
        _pendingAccess.Remove(key);
        if (!Index.Remove(key))
        {
            return false;
        }

        _changes.Add(JournalOp.Remove(key));
        return true;
    }

    public int Clear()
    {
        int removed = Index.Count;
        Index.Clear();
        _pendingAccess.Clear();
        _changes.Add(JournalOp.Clear());
        return removed;
    }

    /// <summary>The call's changes, plus the access times of earlier hits, ready for the journal.</summary>
    public List<JournalOp> TakeChanges()
    {
        foreach (KeyValuePair<KeyHash, double> access in _pendingAccess.OrderBy(pair => pair.Value))
        {
            _changes.Add(JournalOp.Touch(access.Key, access.Value));
        }

        var changes = new List<JournalOp>(_changes);
        _changes.Clear();
        return changes;
    }

    /// <summary>The changes are on disk: access times no longer pending.</summary>
    public void Committed() => _pendingAccess.Clear();

    /// <summary>A failed call: forget its changes (memory is rebuilt from disk next).</summary>
    public void Abandon() => _changes.Clear();

    /// <summary>Brings memory up to what is on disk: a new snapshot's entries (if given), then journal ops, then this process's pending hits.</summary>
    public void CatchUp(List<CacheEntry>? snapshotEntries, List<JournalOp> journalOps)
    {
        if (snapshotEntries is not null)
        {
            Index.Clear();

            // OrderBy is stable: entries with equal times keep their file order, the order they were written in.
            foreach (CacheEntry entry in snapshotEntries.OrderBy(entry => entry.RecencyKey))
            {
                Index.Put(entry);
            }
        }

        foreach (JournalOp op in journalOps)
        {
            Replay(op);
        }

        foreach (KeyValuePair<KeyHash, double> access in _pendingAccess.ToList())
        {
            if (!Index.TryGet(access.Key, out CacheEntry entry))
            {
                _pendingAccess.Remove(access.Key);
            }
            else if (access.Value > (entry.LastAccessed ?? double.MinValue))
            {
                entry.LastAccessed = access.Value;
                Index.Touch(entry);
            }
        }
    }

    private void Replay(JournalOp op)
    {
        switch (op.Kind)
        {
            case JournalOpKind.Set:
                Index.Put(op.Entry!);
                break;
            case JournalOpKind.Remove:
                Index.Remove(op.Key);
                break;
            case JournalOpKind.Clear:
                Index.Clear();
                break;
            case JournalOpKind.Touch when Index.TryGet(op.Key, out CacheEntry entry) && op.AccessedAt > (entry.LastAccessed ?? double.MinValue):
                entry.LastAccessed = op.AccessedAt;
                Index.Touch(entry);
                break;
        }
    }
}
