using System;
using System.Globalization;

namespace ResponseCache.Core;

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the reference's on-disk time fields.</summary>
public static class UnixTime
{
    private const long UnixEpochTicks = 621355968000000000L;

    /// <summary>Fractional Unix seconds, as Python's time.time() writes them.</summary>
    public static double ToSeconds(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    // Outside these, a time cannot be a DateTime: other tools write milliseconds where the reference writes seconds.
    private static readonly double s_minSeconds = (DateTimeOffset.MinValue.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
    private static readonly double s_maxSeconds = (DateTimeOffset.MaxValue.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>False for Unix seconds no DateTime can hold (and NaN): such times are unknown.</summary>
    public static bool IsInRange(double seconds) => seconds >= s_minSeconds && seconds <= s_maxSeconds;

    /// <summary>The time, or null when it is out of <see cref="DateTimeOffset"/>'s range.</summary>
    public static DateTimeOffset? FromSeconds(double seconds) =>
        IsInRange(seconds) ? new DateTimeOffset(UnixEpochTicks + (long)(seconds * TimeSpan.TicksPerSecond), TimeSpan.Zero) : null;

    /// <summary>The reference's "timestamp" field: time.strftime('%Y-%m-%d %H:%M:%S') in local time.</summary>
    public static string ToTimestamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
