using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>
/// The entries by key, threaded on a recency list (oldest first), so lookup, touch, insert and eviction are all O(1).
/// Not thread-safe: the engine serialises access.
/// </summary>
internal sealed class LruIndex
{
    private readonly Dictionary<KeyHash, CacheEntry> _entries = new Dictionary<KeyHash, CacheEntry>();
    private CacheEntry? _oldest;
    private CacheEntry? _newest;

    public int Count => _entries.Count;

    /// <summary>The sum of the entries' <see cref="CacheEntry.StoredBytes"/>.</summary>
    public long TotalBytes { get; private set; }

    public CacheEntry? Oldest => _oldest;

    public bool TryGet(KeyHash key, out CacheEntry entry) => _entries.TryGetValue(key, out entry!);

    /// <summary>Adds or replaces the entry and makes it the most recently used.</summary>
    public void Put(CacheEntry entry)
    {
        if (_entries.TryGetValue(entry.Key, out CacheEntry? existing))
        {
            Unlink(existing);
            TotalBytes -= existing.StoredBytes;
        }

        _entries[entry.Key] = entry;
        TotalBytes += entry.StoredBytes;
        LinkNewest(entry);
    }

    public void Touch(CacheEntry entry)
    {
        if (!ReferenceEquals(_newest, entry))
        {
            Unlink(entry);
            LinkNewest(entry);
        }
    }

    public bool Remove(KeyHash key)
    {
        if (!_entries.TryGetValue(key, out CacheEntry? entry))
        {
            return false;
        }

        _entries.Remove(key);
        TotalBytes -= entry.StoredBytes;
        Unlink(entry);
        return true;
    }

    public void Clear()
    {
        _entries.Clear();
        TotalBytes = 0;
        _oldest = null;
        _newest = null;
    }

    /// <summary>The entries from least to most recently used.</summary>
    public IEnumerable<CacheEntry> OldestFirst()
    {
        for (CacheEntry? entry = _oldest; entry is not null; entry = entry.Newer)
        {
            yield return entry;
        }
    }

    private void LinkNewest(CacheEntry entry)
    {
        entry.Older = _newest;
        entry.Newer = null;
        if (_newest is null)
        {
            _oldest = entry;
        }
        else
        {
            _newest.Newer = entry;
        }

        _newest = entry;
    }

    private void Unlink(CacheEntry entry)
    {
        if (entry.Older is null)
        {
            _oldest = entry.Newer;
        }
        else
        {
            entry.Older.Newer = entry.Newer;
        }

        if (entry.Newer is null)
        {
            _newest = entry.Older;
        }
        else
        {
            entry.Newer.Older = entry.Older;
        }

        entry.Older = null;
        entry.Newer = null;
    }
}
