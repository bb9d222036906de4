using System;

namespace ResponseCache.Core;

/// <summary>
/// The limits that belong to a cache rather than to a call: how many entries and bytes it keeps, and how old an
/// entry may grow before it is removed. Stored beside the cache file, so every process evicts to the same caps.
/// </summary>
public sealed class CacheConfiguration : IEquatable<CacheConfiguration>
{
    public const int DefaultMaxEntries = 100;
    public const double DefaultTtlDays = 7;

    /// <summary>What an entry counts against the size cap beyond its response: its name, times and indentation in ai_responses.json.</summary>
    public const int EntryOverheadBytes = 230;
    private const double BytesPerMB = 1024 * 1024;

    public CacheConfiguration(int maxEntries = DefaultMaxEntries, long? maxBytes = null, double ttlDays = DefaultTtlDays)
    {
        if (maxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "MaxEntries must be at least 1.");
        }

        if (maxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "The size cap must be at least one byte.");
        }

        if (!IsValidTtl(ttlDays))
        {
            throw new ArgumentOutOfRangeException(nameof(ttlDays), ttlDays, "TtlDays must be a finite number of days, 0 or more.");
        }

        MaxEntries = maxEntries;
        MaxBytes = maxBytes;
        TtlDays = ttlDays;
    }

    /// <summary>What a cache that was never configured uses: the reference's defaults (100 entries, 7 days, no size cap).</summary>
    public static CacheConfiguration Default { get; } = new CacheConfiguration();

    /// <summary>Least recently used entries beyond this many are evicted.</summary>
    public int MaxEntries { get; }

    /// <summary>The size cap in MiB, as -MaxSizeMB takes it; null for none.</summary>
    public double? MaxSizeMB => MaxBytes is long bytes ? Math.Round(bytes / BytesPerMB, 6) : null;

    /// <summary>The size cap in the bytes the entries take in ai_responses.json; null for none.</summary>
    public long? MaxBytes { get; }

    /// <summary>Entries older than this are removed; a caller may accept less (see <see cref="CachePolicy.TtlDays"/>).</summary>
    public double TtlDays { get; }

    public bool IsDefault => Equals(Default);

    internal double TtlSeconds => TtlDays * 86400;

    /// <summary>The size cap for a number of MiB: 0 means none, as -TimeoutSec 0 means no timeout.</summary>
    public static long? BytesFromMB(double megabytes) => megabytes == 0 ? null : Math.Max(1, (long)Math.Round(megabytes * BytesPerMB));

    internal static bool IsValidTtl(double ttlDays) => !double.IsNaN(ttlDays) && !double.IsInfinity(ttlDays) && ttlDays >= 0;

    /// <summary>This configuration with the given values changed; null keeps a value, a size cap of 0 removes the cap.</summary>
    public CacheConfiguration With(int? maxEntries = null, long? maxBytes = null, double? ttlDays = null) => new CacheConfiguration(
        maxEntries ?? MaxEntries,
        maxBytes is long bytes ? (bytes == 0 ? null : bytes) : MaxBytes,
        ttlDays ?? TtlDays);

    public bool Equals(CacheConfiguration? other) =>
        other is not null && MaxEntries == other.MaxEntries && MaxBytes == other.MaxBytes && TtlDays.Equals(other.TtlDays);

    public override bool Equals(object? obj) => Equals(obj as CacheConfiguration);

    public override int GetHashCode() => MaxEntries ^ MaxBytes.GetHashCode() ^ TtlDays.GetHashCode();

    /// <summary>This configuration as Set-ResponseCacheConfiguration's parameters, for messages that say how to write it again.</summary>
    public string ToParameterText()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        string sizeCap = MaxSizeMB is double megabytes ? " -MaxSizeMB " + megabytes.ToString(invariant) : string.Empty;
        return $"-MaxEntries {MaxEntries.ToString(invariant)}{sizeCap} -TtlDays {TtlDays.ToString(invariant)}";
    }

    public override string ToString() =>
        $"MaxEntries {MaxEntries}, MaxSizeMB {(MaxSizeMB is double mb ? mb.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}, TtlDays {TtlDays.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
