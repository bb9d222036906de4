using System;

namespace ResponseCache.Core;

/// <summary>
/// What one call asks of the cache. <see cref="TtlDays"/> is the freshness this caller accepts; the caps, when given,
/// become the cache's own (as the reference's constructor arguments govern its instance). The default asks for
/// nothing: the cache's configuration decides.
/// </summary>
public readonly struct CachePolicy
{
    public CachePolicy(int? maxEntries = null, double? ttlDays = null, long? maxBytes = null)
    {
        if (maxBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "The size cap must be at least one byte, or 0 for none.");
        }

        if (maxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "MaxEntries must be at least 1.");
        }

        if (ttlDays is double ttl && !CacheConfiguration.IsValidTtl(ttl))
        {
            throw new ArgumentOutOfRangeException(nameof(ttlDays), ttlDays, "TtlDays must be a finite number of days, 0 or more.");
        }

        MaxEntries = maxEntries;
        TtlDays = ttlDays;
        MaxBytes = maxBytes;
    }

    /// <summary>Nothing asked: the cache's TTL and caps.</summary>
    public static CachePolicy Default => default;

    /// <summary>Only a freshness: for reads and maintenance that judge age and change no cap.</summary>
    public static CachePolicy ForTtl(double? ttlDays) => new CachePolicy(ttlDays: ttlDays);

    /// <summary>When given, the cache's new entry cap; null keeps the cache's.</summary>
    public int? MaxEntries { get; }

    /// <summary>
    /// How old an entry may be for this call to use it; null for the cache's TtlDays. An entry older than this is a
    /// miss for the call, but it is removed only once it is older than the cache's TtlDays too.
    /// </summary>
    public double? TtlDays { get; }

    /// <summary>When given, the cache's new size cap in bytes (0 removes the cap); null keeps the cache's.</summary>
    public long? MaxBytes { get; }

    internal bool ChangesCaps => MaxEntries is not null || MaxBytes is not null;

    /// <summary>How old, in seconds, an entry may be for this call: its TtlDays, else the cache's.</summary>
    internal double FreshnessSeconds(CacheConfiguration cache) => TtlDays is double days ? days * 86400 : cache.TtlSeconds;
}
