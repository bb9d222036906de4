using System.Collections.Generic;
using System.Linq;

namespace ResponseCache.Core;

/// <summary>
/// The entries by key, threaded on a recency list (oldest first), so lookup, touch, insert and eviction are all O(1).
/// Not thread-safe: the directory store serialises access.
/// </summary>
internal sealed class LruIndex
{
    private readonly Dictionary<KeyHash, LinkedListNode<CacheEntry>> _byKey = new Dictionary<KeyHash, LinkedListNode<CacheEntry>>();
    private LinkedList<CacheEntry> _recency = new LinkedList<CacheEntry>();

    public int Count => _byKey.Count;

    /// <summary>The sum of the entries' <see cref="CacheEntry.StoredBytes"/>.</summary>
    public long TotalBytes { get; private set; }

    public CacheEntry? Oldest => _recency.First?.Value;

    public bool TryGet(KeyHash key, out CacheEntry entry)
    {
        if (_byKey.TryGetValue(key, out LinkedListNode<CacheEntry>? node))
        {
            entry = node.Value;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Adds or replaces the entry and makes it the most recently used; returns the entry it replaced, if any.</summary>
    public CacheEntry? Put(CacheEntry entry)
    {
        CacheEntry? replaced = Remove(entry.Key);
        _byKey.Add(entry.Key, _recency.AddLast(entry));
        TotalBytes += entry.StoredBytes;
        return replaced;
    }

    /// <summary>Removes the key's entry and returns it; null when there was none.</summary>
    public CacheEntry? Remove(KeyHash key)
    {
        if (!_byKey.TryGetValue(key, out LinkedListNode<CacheEntry>? node))
        {
            return null;
        }

        _byKey.Remove(key);
        _recency.Remove(node);
        TotalBytes -= node.Value.StoredBytes;
        return node.Value;
    }

    /// <summary>Makes the entry, which must be in the index, the most recently used.</summary>
    public void Touch(CacheEntry entry)
    {
        LinkedListNode<CacheEntry> node = _byKey[entry.Key];
        if (node != _recency.Last)
        {
            _recency.Remove(node);
            _recency.AddLast(node);
        }
    }

    public void Clear()
    {
        _byKey.Clear();
        _recency.Clear();
        TotalBytes = 0;
    }

    /// <summary>The entries from least to most recently used.</summary>
    public IEnumerable<CacheEntry> OldestFirst() => _recency;

    /// <summary>The entries from most to least recently used.</summary>
    public IEnumerable<CacheEntry> NewestFirst()
    {
        for (LinkedListNode<CacheEntry>? node = _recency.Last; node is not null; node = node.Previous)
        {
            yield return node.Value;
        }
    }

    /// <summary>
    /// Reorders the recency list by <see cref="CacheEntry.RecencyKey"/>, keeping the present order among equal
    /// times (a stable sort); nothing to do when it is already in order, as this engine writes its snapshots.
    /// </summary>
    public void SortByRecency()
    {
        if (IsInRecencyOrder())
        {
            return;
        }

        List<CacheEntry> sorted = _recency.OrderBy(entry => entry.RecencyKey).ToList();
        _recency = new LinkedList<CacheEntry>();
        foreach (CacheEntry entry in sorted)
        {
            _byKey[entry.Key] = _recency.AddLast(entry);
        }
    }

    private bool IsInRecencyOrder()
    {
        double previous = double.MinValue;
        foreach (CacheEntry entry in _recency)
        {
            if (entry.RecencyKey < previous)
            {
                return false;
            }

            previous = entry.RecencyKey;
        }

        return true;
    }
}
