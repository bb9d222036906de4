using ResponseCache.Core;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>A clock the test moves by hand, so TTL and flush intervals pass without waiting.</summary>
internal sealed class FakeClock : IClock
{
    private readonly object _gate = new();
    private DateTimeOffset _now;

    public FakeClock(DateTimeOffset start)
    {
        _now = start;
    }

    /// <summary>A fixed instant with a non-UTC offset, so timestamp formatting is tested against local time.</summary>
    public static FakeClock AtFixedTime() => new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(1)));

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public double UnixSeconds => Now.ToUnixTimeMilliseconds() / 1000.0;

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
