using System;

namespace ResponseCache.Core;

/// <summary>The source of "now" for the engine, so TTL and access-time behaviour can be tested without waiting.</summary>
public interface IClock
{
    /// <summary>The current time, carrying the local offset used for the human-readable timestamp.</summary>
    DateTimeOffset Now { get; }
}

/// <summary>The machine's clock.</summary>
public sealed class SystemClock : IClock
{
    public static SystemClock Instance { get; } = new SystemClock();

    private SystemClock()
    {
    }

    public DateTimeOffset Now => DateTimeOffset.Now;
}
