namespace ResponseCache.Core;

/// <summary>
/// Least recently used entries go until both of the cache's caps hold. The size cap never evicts the newest entry: a
/// response larger than the whole cap is still cached (the service warns) rather than silently dropped.
/// </summary>
internal static class LruEviction
{
    /// <summary>Evicts beyond the caps; returns how many entries went.</summary>
    public static int EvictBeyond(CacheMemory state, CacheConfiguration caps)
    {
        LruIndex index = state.Index;
        int evicted = 0;
        while (index.Oldest is CacheEntry oldest && IsBeyond(caps, index.Count, index.TotalBytes))
        {
            state.Remove(oldest.Key);
            evicted++;
        }

        return evicted;
    }

    /// <summary>How many entries <see cref="EvictBeyond"/> would remove under <paramref name="caps"/>.</summary>
    public static int CountBeyond(LruIndex index, CacheConfiguration caps)
    {
        int count = index.Count;
        long bytes = index.TotalBytes;
        int evicted = 0;
        foreach (CacheEntry entry in index.OldestFirst())
        {
            if (!IsBeyond(caps, count, bytes))
            {
                break;
            }

            count--;
            bytes -= entry.StoredBytes;
            evicted++;
        }

        return evicted;
    }

    private static bool IsBeyond(CacheConfiguration caps, int count, long bytes) =>
        count > caps.MaxEntries || (bytes > caps.MaxBytes && count > 1);
}
