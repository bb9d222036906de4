using System;
using System.Collections.Generic;
using System.Linq;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// The cache in memory: entries in LRU order, hits' access times not yet on disk, and the changes of the call in
/// progress recorded as journal ops. Replayed ops (other processes' changes) are applied without being recorded.
/// Not thread-safe: the directory store serialises access.
/// </summary>
internal sealed class CacheMemory
{
    private readonly List<JournalOp> _changes = new List<JournalOp>();

    // Entries hit since the last write, each once; an entry that left the index meanwhile (replaced by a newer
    // snapshot or another process's set) hands its time on to its successor when this process catches up.
    private List<CacheEntry> _pendingHits = new List<CacheEntry>();
    private int _pendingCount;

    // What the savings ledger must add with the next write: the days of hits not yet written (they stay pending
    // when a call fails, as their access times do), and what the call's removed entries had saved (gone with it).
    private SavingsLedger _unwrittenHits = new SavingsLedger();
    private SavingsLedger _callsGone = new SavingsLedger();
    private string _hitDay = string.Empty;
    private double _hitDayEnds = double.MinValue;

    public LruIndex Index { get; private set; } = new LruIndex();

    public bool HasPendingAccess => _pendingCount > 0;

    /// <summary>Changes recorded outside a call (entries kept over another program's rewrite), waiting to be written.</summary>
    public bool HasUnwrittenChanges => _changes.Count > 0;

    /// <summary>
    /// Changes waiting to be written include what was kept over another program's rewrite: they must go into a new
    /// snapshot, not the journal, so that program's next load finds them (it reads no journal).
    /// </summary>
    public bool HoldsChangesOverRewrite { get; private set; }

    /// <summary>The comparison of the last rewrite by another program with the module's last snapshot; null until one was made, or when that snapshot was not known.</summary>
    public Reconciliation? LastReconciliation { get; private set; }

    public bool TryGet(KeyHash key, out CacheEntry entry) => Index.TryGet(key, out entry);

    /// <summary>A hit: the entry becomes the most recently used; its access time waits for the next write.</summary>
    public void RecordHit(CacheEntry entry, double now)
    {
        entry.LastAccessed = now;
        entry.Hits++;
        entry.PendingHits++;
        _unwrittenHits.AddHits(DayOf(now), entry.Usage ?? EntryUsage.None, 1);
        Index.Touch(entry);
        MarkPending(entry);
    }

    /// <summary>Whether the next write has savings to add to the ledger.</summary>
    public bool HasUnwrittenSavings => !_unwrittenHits.IsEmpty || !_callsGone.IsEmpty;

    /// <summary>An entry replaced keeps what it saved in the ledger, as a removed one does.</summary>
    public void Put(CacheEntry entry)
    {
        CacheEntry? replaced = Index.Put(entry);
        Gone(replaced);
        ClearPending(replaced);
        _changes.Add(JournalOp.Set(entry));
    }

    public bool Remove(KeyHash key)
    {
        CacheEntry? removed = Index.Remove(key);
        if (removed is null)
        {
            return false;
        }

        Gone(removed);
        ClearPending(removed);
        _changes.Add(JournalOp.Remove(key));
        return true;
    }

    public int Clear()
    {
        int removed = Index.Count;
        foreach (CacheEntry entry in Index.OldestFirst())
        {
            Gone(entry);
        }

        Index.Clear();
        ForgetPendingHits();
        _changes.Add(JournalOp.Clear());
        return removed;
    }

    /// <summary>The call's changes, plus the access times of earlier hits in the order they happened, ready for the journal.</summary>
    public List<JournalOp> TakeChanges()
    {
        if (_pendingCount > 0)
        {
            // Every hit made its entry the newest, so the pending ones are found newest first near the list's end.
            var touched = new CacheEntry[_pendingCount];
            int found = 0;
            foreach (CacheEntry entry in Index.NewestFirst())
            {
                if (found == touched.Length)
                {
                    break;
                }

                if (entry.AccessPending)
                {
                    touched[touched.Length - ++found] = entry;
                }
            }

            for (int i = touched.Length - found; i < touched.Length; i++)
            {
                _changes.Add(JournalOp.Touch(touched[i].Key, touched[i].LastAccessed ?? 0, touched[i].PendingHits));
            }
        }

        var changes = new List<JournalOp>(_changes);
        _changes.Clear();
        HoldsChangesOverRewrite = false;
        return changes;
    }

    /// <summary>What the ledger must add with this write: the hits' days, and what entries gone had saved; call before <see cref="Committed"/>.</summary>
    public SavingsLedger UnwrittenSavings()
    {
        var savings = new SavingsLedger();
        savings.Add(_unwrittenHits);
        savings.Add(_callsGone);
        return savings;
    }

    /// <summary>The changes are on disk: access times no longer pending.</summary>
    public void Committed()
    {
        ForgetPendingHits();
        _unwrittenHits = new SavingsLedger();
        _callsGone = new SavingsLedger();
    }

    /// <summary>A failed call: forget its changes (memory is rebuilt from disk next).</summary>
    public void Abandon()
    {
        _changes.Clear();
        HoldsChangesOverRewrite = false;
        _callsGone = new SavingsLedger();
    }

    /// <summary>-ResetSavings: what this process counted so far is not added to the ledger it empties, nor are its hits' days.</summary>
    public void ForgetSavings()
    {
        _unwrittenHits = new SavingsLedger();
        _callsGone = new SavingsLedger();
    }

    private void Gone(CacheEntry? entry)
    {
        if (entry is not null)
        {
            _callsGone.AddGone(entry.Usage ?? EntryUsage.None, entry.Hits);
        }
    }

    private string DayOf(double unixSeconds)
    {
        if (unixSeconds >= _hitDayEnds || unixSeconds < _hitDayEnds - 86400)
        {
            double dayStart = System.Math.Floor(unixSeconds / 86400) * 86400;
            _hitDay = SavingsLedger.DayOf(System.DateTimeOffset.FromUnixTimeMilliseconds((long)(dayStart * 1000)));
            _hitDayEnds = dayStart + 86400;
        }

        return _hitDay;
    }

    private void ForgetPendingHits()
    {
        foreach (CacheEntry entry in _pendingHits)
        {
            entry.AccessPending = false;
            entry.PendingHits = 0;
        }

        _pendingHits.Clear();
        _pendingCount = 0;
    }

    /// <summary>
    /// Brings memory up to what is on disk: a new snapshot's entries (if given, in file order), then journal ops,
    /// then this process's pending hits. Over another program's rewrite, the module's last snapshot is compared with
    /// it (<see cref="ForeignRewrite.Reconcile"/>), and entries it could not have seen that only this process held are
    /// kept (see <see cref="ForeignRewrite.EntriesItNeverSaw"/>); what that restores or removes is recorded as this
    /// call's changes, to be written.
    /// </summary>
    /// <param name="heldIsCurrent">False after a failed call: what memory held then is not what any disk had, so none of it is kept.</param>
    /// <param name="isExpired">Under the cache's TTL, for the module's entries a rewrite lacks.</param>
    /// <returns>How many entries were restored, kept or removed again over a rewrite.</returns>
    public int Apply(DiskChanges changes, bool heldIsCurrent, Func<CacheEntry, bool> isExpired)
    {
        LruIndex before = Index;
        LruIndex? snapshot = changes.SnapshotEntries;
        if (snapshot is not null)
        {
            // The reference evicts by last access, so that is the recency order, whatever order the file is in.
            snapshot.SortByRecency();
            Index = snapshot;
        }

        Reconciliation? reconciled = changes.IsForeignRewrite && snapshot is not null && changes.LastModuleSnapshot is ModuleSnapshot module
            ? ForeignRewrite.Reconcile(snapshot, module, changes.JournalOps, isExpired)
            : null;
        List<CacheEntry> unseen = changes.IsForeignRewrite && snapshot is not null && heldIsCurrent
            ? ForeignRewrite.EntriesItNeverSaw(before, snapshot, changes.JournalOps)
            : new List<CacheEntry>();
        if (changes.IsForeignRewrite && snapshot is not null)
        {
            LastReconciliation = reconciled;
        }

        if (reconciled is not null)
        {
            var restored = new HashSet<KeyHash>(reconciled.Restore.Select(entry => entry.Key));
            unseen.RemoveAll(entry => restored.Contains(entry.Key));
            foreach (CacheEntry entry in reconciled.Restore)
            {
                Put(entry);
            }

            foreach (KeyHash key in reconciled.RemoveAgain)
            {
                _ = Remove(key);
            }
        }

        foreach (JournalOp op in changes.JournalOps)
        {
            Replay(op);
        }

        foreach (CacheEntry entry in unseen)
        {
            Put(entry);
        }

        int kept = unseen.Count + (reconciled is null ? 0 : reconciled.Restore.Count + reconciled.RemoveAgain.Count);
        if (kept > 0)
        {
            Index.SortByRecency();
            HoldsChangesOverRewrite = true;
        }

        if (_pendingCount > 0)
        {
            CarryPendingHits();
        }

        return kept;
    }

    private void CarryPendingHits()
    {
        List<CacheEntry> hits = _pendingHits;
        _pendingHits = new List<CacheEntry>(hits.Count);
        _pendingCount = 0;
        foreach (CacheEntry hit in hits)
        {
            if (!hit.AccessPending)
            {
                continue;
            }

            hit.AccessPending = false;
            if (!Index.TryGet(hit.Key, out CacheEntry current))
            {
                // Another process removed the entry before these hits were written: the ledger still counts them.
                _unwrittenHits.AddGone(hit.Usage ?? EntryUsage.None, hit.PendingHits);
                continue;
            }

            if (hit.LastAccessed > (current.LastAccessed ?? double.MinValue))
            {
                current.LastAccessed = hit.LastAccessed;
                Index.Touch(current);
            }

            // An entry read anew from disk does not hold this process's hits yet; one kept in memory does.
            if (!ReferenceEquals(hit, current))
            {
                current.Hits += hit.PendingHits;
                current.PendingHits += hit.PendingHits;
                hit.PendingHits = 0;
            }

            MarkPending(current);
        }
    }

    private void MarkPending(CacheEntry entry)
    {
        if (!entry.AccessPending)
        {
            entry.AccessPending = true;
            _pendingHits.Add(entry);
            _pendingCount++;
        }
    }

    private void ClearPending(CacheEntry? entry)
    {
        if (entry is not null && entry.AccessPending)
        {
            entry.AccessPending = false;
            _pendingCount--;
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
            case JournalOpKind.Touch when Index.TryGet(op.Key, out CacheEntry entry):
                entry.Hits += op.Hits;
                if (op.AccessedAt > (entry.LastAccessed ?? double.MinValue))
                {
                    entry.LastAccessed = op.AccessedAt;
                    Index.Touch(entry);
                }

                break;
        }
    }
}
