namespace ResponseCache.Commands;

/// <summary>The -MaxSizeMB parameter's range and its conversion to the engine's byte cap.</summary>
internal static class SizeCap
{
    public const double MinimumMB = 0.001;
    public const double MaximumMB = 1024 * 1024;

    public static long? ToBytes(double? megabytes) => megabytes is double mb ? (long)(mb * 1024 * 1024) : null;
}
