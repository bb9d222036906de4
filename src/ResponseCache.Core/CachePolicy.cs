using System;

namespace ResponseCache.Core;

/// <summary>The limits a call applies: how many entries to keep and how long an entry lives.</summary>
public readonly struct CachePolicy
{
    public const int DefaultMaxEntries = 100;
    public const double DefaultTtlDays = 7;

    public CachePolicy(int maxEntries, double ttlDays, long? maxBytes = null)
    {
        if (maxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "The size cap must be at least one byte.");
        }

        if (maxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "MaxEntries must be at least 1.");
        }

        if (double.IsNaN(ttlDays) || double.IsInfinity(ttlDays) || ttlDays < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ttlDays), ttlDays, "TtlDays must be a finite number of days, 0 or more.");
        }

        MaxEntries = maxEntries;
        TtlDays = ttlDays;
        MaxBytes = maxBytes;
    }

    public static CachePolicy Default => ForTtl(DefaultTtlDays);

    /// <summary>For calls that only judge expiry (listing, pruning): the TTL given, the default caps.</summary>
    public static CachePolicy ForTtl(double ttlDays) => new CachePolicy(DefaultMaxEntries, ttlDays);

    public int MaxEntries { get; }

    public double TtlDays { get; }

    /// <summary>The size cap: least recently used entries go until the cache's stored bytes fit; null for none.</summary>
    public long? MaxBytes { get; }

    public double TtlSeconds => TtlDays * 86400;
}
