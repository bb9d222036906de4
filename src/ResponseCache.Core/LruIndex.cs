using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>
/// The entries by key, threaded on a recency list (oldest first), so lookup, touch, insert and eviction are all O(1).
/// The key table is the entries' own bucket chains rather than a Dictionary: a Dictionary keyed by a struct is
/// framework code the runtime must compile on first use in every process, which cost more than reading a
/// 2,000-entry cache; this is ours, so it ships precompiled. Not thread-safe: the engine serialises access.
/// </summary>
internal sealed class LruIndex
{
    private const int InitialBuckets = 16;

    private CacheEntry?[] _buckets = new CacheEntry?[InitialBuckets];
    private CacheEntry? _oldest;
    private CacheEntry? _newest;

    public int Count { get; private set; }

    /// <summary>The sum of the entries' <see cref="CacheEntry.StoredBytes"/>.</summary>
    public long TotalBytes { get; private set; }

    public CacheEntry? Oldest => _oldest;

    public CacheEntry? Newest => _newest;

    public bool TryGet(KeyHash key, out CacheEntry entry)
    {
        for (CacheEntry? candidate = _buckets[BucketOf(key)]; candidate is not null; candidate = candidate.NextInBucket)
        {
            if (candidate.Key.Equals(key))
            {
                entry = candidate;
                return true;
            }
        }

        entry = null!;
        return false;
    }

    /// <summary>Adds or replaces the entry and makes it the most recently used; returns the entry it replaced, if any.</summary>
    public CacheEntry? Put(CacheEntry entry)
    {
        CacheEntry? replaced = Remove(entry.Key);
        if (replaced is null && Count == _buckets.Length)
        {
            Grow();
        }

        ref CacheEntry? bucket = ref _buckets[BucketOf(entry.Key)];
        entry.NextInBucket = bucket;
        bucket = entry;
        Count++;
        TotalBytes += entry.StoredBytes;
        LinkNewest(entry);
        return replaced;
    }

    /// <summary>Removes the key's entry and returns it; null when there was none.</summary>
    public CacheEntry? Remove(KeyHash key)
    {
        ref CacheEntry? link = ref _buckets[BucketOf(key)];
        while (link is not null)
        {
            CacheEntry candidate = link;
            if (candidate.Key.Equals(key))
            {
                link = candidate.NextInBucket;
                candidate.NextInBucket = null;
                Count--;
                TotalBytes -= candidate.StoredBytes;
                Unlink(candidate);
                return candidate;
            }

            link = ref candidate.NextInBucket;
        }

        return null;
    }

    public void Touch(CacheEntry entry)
    {
        if (!ReferenceEquals(_newest, entry))
        {
            Unlink(entry);
            LinkNewest(entry);
        }
    }

    public void Clear()
    {
        _buckets = new CacheEntry?[InitialBuckets];
        Count = 0;
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

    /// <summary>
    /// Reorders the recency list by <see cref="CacheEntry.RecencyKey"/>, keeping the present order among equal
    /// times: a bottom-up merge sort of the list itself, one pass when it is already in order (as this engine
    /// writes its snapshots).
    /// </summary>
    public void SortByRecency()
    {
        if (IsInRecencyOrder())
        {
            return;
        }

        CacheEntry? head = _oldest;
        CacheEntry? tail = null;
        for (int runLength = 1; ; runLength *= 2)
        {
            CacheEntry? left = head;
            head = null;
            tail = null;
            int merges = 0;
            while (left is not null)
            {
                merges++;
                CacheEntry? right = left;
                int leftCount = 0;
                while (leftCount < runLength && right is not null)
                {
                    leftCount++;
                    right = right.Newer;
                }

                int rightCount = runLength;
                while (leftCount > 0 || (rightCount > 0 && right is not null))
                {
                    CacheEntry next;
                    if (leftCount > 0 && (rightCount == 0 || right is null || left!.RecencyKey <= right.RecencyKey))
                    {
                        next = left!;
                        left = left!.Newer;
                        leftCount--;
                    }
                    else
                    {
                        next = right!;
                        right = right!.Newer;
                        rightCount--;
                    }

                    if (tail is null)
                    {
                        head = next;
                    }
                    else
                    {
                        tail.Newer = next;
                    }

                    tail = next;
                }

                left = right;
            }

            tail!.Newer = null;
            if (merges <= 1)
            {
                break;
            }
        }

        CacheEntry? older = null;
        for (CacheEntry? entry = head; entry is not null; entry = entry.Newer)
        {
            entry.Older = older;
            older = entry;
        }

        _oldest = head;
        _newest = tail;
    }

    private bool IsInRecencyOrder()
    {
        CacheEntry? entry = _oldest;
        while (entry?.Newer is CacheEntry newer)
        {
            if (newer.RecencyKey < entry.RecencyKey)
            {
                return false;
            }

            entry = newer;
        }

        return true;
    }

    private void Grow()
    {
        var buckets = new CacheEntry?[_buckets.Length * 2];
        int mask = buckets.Length - 1;
        foreach (CacheEntry? head in _buckets)
        {
            CacheEntry? entry = head;
            while (entry is not null)
            {
                CacheEntry? next = entry.NextInBucket;
                ref CacheEntry? bucket = ref buckets[entry.Key.GetHashCode() & mask];
                entry.NextInBucket = bucket;
                bucket = entry;
                entry = next;
            }
        }

        _buckets = buckets;
    }

    private int BucketOf(KeyHash key) => key.GetHashCode() & (_buckets.Length - 1);

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
