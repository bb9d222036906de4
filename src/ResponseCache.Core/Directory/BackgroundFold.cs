using System;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// Folds the journal into the snapshot on a timer thread, a delay after the first change the journal took since the
/// last fold (later changes of the same burst do not put it off), so a set stays a journal append while the Python
/// reference, which reads only the snapshot, sees every entry soon after; and once more, if still pending, when the
/// process exits.
/// </summary>
internal sealed class BackgroundFold
{
    private readonly TimeSpan? _delay;
    private readonly Action _fold;

    // Held so the timer is not collected (and silently cancelled) while it waits.
    private readonly Timer? _timer;
    private int _pending;

    /// <param name="delay"><see cref="Timeout.InfiniteTimeSpan"/>: never on a timer, only <see cref="RunIfPending"/>; null: never at all.</param>
    public BackgroundFold(TimeSpan? delay, Action fold)
    {
        _delay = delay;
        _fold = fold;
        if (delay is TimeSpan wait && wait >= TimeSpan.Zero)
        {
            _timer = new Timer(_ => RunIfPending(), null, Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>The journal took a change: a fold is due, the delay from now unless one is due already.</summary>
    public void Request()
    {
        if (_delay is TimeSpan delay && Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _timer?.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Folds now if a fold is due (the timer's work, and the process exit's); false when none was.</summary>
    public bool RunIfPending()
    {
        if (Interlocked.Exchange(ref _pending, 0) == 0)
        {
            return false;
        }

        _fold();
        return true;
    }
}
