using System;
using System.Globalization;
using System.Threading;
using ResponseCache.Core;

namespace ResponseCache.Redis;

/// <summary>
/// A circuit breaker, in FusionCache's sense, for one connection and so for every cache on it: once a command timed
/// out (the server holds the connection open but does not answer: frozen, swapping, overloaded), the server is not
/// asked anything for <see cref="Period"/>, and every call fails at once instead of waiting out its own timeout.
/// After the period the next call tries it again, first with a PING under the lookup timeout, so a server still hung
/// costs that call about a second rather than a change's whole timeout; the others keep failing at once meanwhile.
/// A lookup's timeout (a second) opens it only when the one before timed out too.
/// A server that refuses connections is not this class's concern: the client fails those calls at once by itself.
/// </summary>
internal sealed class RedisCircuitBreaker
{
    private readonly IClock _clock;
    private readonly object _gate = new object();

    // 0 closed, 1 open: read without the lock on every command.
    private int _open;
    private int _lookupTimeouts;
    private DateTimeOffset _timedOutAt;
    private DateTimeOffset _retryAt;

    public RedisCircuitBreaker(IClock clock, TimeSpan period)
    {
        _clock = clock;
        Period = period;
    }

    public TimeSpan Period { get; }

    /// <summary>Whether a command may be sent now: <see cref="Admission.Send"/>, <see cref="Admission.Probe"/> first, or refused.</summary>
    public Admission Admit(out RedisCircuitOpenException? refusal)
    {
        refusal = null;
        if (Volatile.Read(ref _open) == 0)
        {
            return Admission.Send;
        }

        lock (_gate)
        {
            if (_open == 0)
            {
                return Admission.Send;
            }

            DateTimeOffset now = _clock.Now;
            if (now < _retryAt)
            {
                refusal = new RedisCircuitOpenException(_timedOutAt, _retryAt, now);
                return Admission.Refuse;
            }

            // This caller tries the server; the others fail at once until it knows, or for another period if it never does.
            _retryAt = now + Period;
            return Admission.Probe;
        }
    }

    /// <summary>
    /// A command timed out. One that waited long (a change, a listing, the PING after a period) opens the breaker: nothing
    /// is sent for the period from now. A lookup's second may be a busy moment (a script's first compilation), so
    /// lookups open it on their second timeout in a row.
    /// </summary>
    public void TimedOut(bool patient)
    {
        lock (_gate)
        {
            if (!patient && ++_lookupTimeouts < 2)
            {
                return;
            }

            _lookupTimeouts = 0;
            DateTimeOffset now = _clock.Now;
            _timedOutAt = now;
            _retryAt = now + Period;
            Volatile.Write(ref _open, 1);
        }
    }

    /// <summary>The server answered, or failed in a way the client reports at once: calls go through again.</summary>
    public void Close()
    {
        if (Volatile.Read(ref _open) != 0 || Volatile.Read(ref _lookupTimeouts) != 0)
        {
            lock (_gate)
            {
                _lookupTimeouts = 0;
                Volatile.Write(ref _open, 0);
            }
        }
    }

    /// <summary>When the server is asked again while the breaker is open, as the messages say it; else null.</summary>
    public string? DescribeOpen()
    {
        lock (_gate)
        {
            return _open == 0 ? null : RedisCircuitOpenException.Until(_retryAt, _clock.Now);
        }
    }

    public enum Admission
    {
        Send,
        Probe,
        Refuse,
    }
}

/// <summary>A call refused at once because a command on its connection timed out a short while ago.</summary>
internal sealed class RedisCircuitOpenException : Exception
{
    public RedisCircuitOpenException(DateTimeOffset timedOutAt, DateTimeOffset retryAt, DateTimeOffset now)
        : base($"the server did not answer in time at {Time(timedOutAt)}, so every cache on this connection fails at once and the server is {Until(retryAt, now)}")
    {
        RetryAt = retryAt;
    }

    public DateTimeOffset RetryAt { get; }

    /// <summary>"not asked again until 08:51:12 (in 7 s), then it is tried again".</summary>
    public static string Until(DateTimeOffset retryAt, DateTimeOffset now)
    {
        double seconds = Math.Max(0, Math.Ceiling((retryAt - now).TotalSeconds));
        return $"not asked again until {Time(retryAt)} (in {seconds.ToString("0", CultureInfo.InvariantCulture)} s), then it is tried again";
    }

    private static string Time(DateTimeOffset time) => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
