using System;
using System.Globalization;

namespace ResponseCache.Core;

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the reference's on-disk time fields.</summary>
internal static class UnixTime
{
    private const long UnixEpochTicks = 621355968000000000L;

    /// <summary>Fractional Unix seconds, as Python's time.time() writes them.</summary>
    public static double ToSeconds(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    public static DateTimeOffset FromSeconds(double seconds) =>
        new DateTimeOffset(UnixEpochTicks + (long)(seconds * TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>The reference's "timestamp" field: time.strftime('%Y-%m-%d %H:%M:%S') in local time.</summary>
    public static string ToTimestamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
