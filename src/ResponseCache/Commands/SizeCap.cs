using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The -MaxSizeMB parameter's range and its conversion to the engine's byte cap (0 MB: no cap).</summary>
internal static class SizeCap
{
    public const double MinimumMB = 0;
    public const double MaximumMB = 1024 * 1024;

    /// <summary>Null when not given; 0 bytes asks the engine to remove the cap.</summary>
    public static long? ToBytes(double? megabytes) => megabytes is double mb ? CacheConfiguration.BytesFromMB(mb) ?? 0 : null;
}
