using System.Collections.Generic;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// At most one producer per key at a time within the process: the first caller for a key owns the run,
/// later callers wait for it to finish instead of calling the API too.
/// </summary>
internal sealed class SingleFlight
{
    private readonly object _gate = new object();

    // Created by the first producer: an engine that only reads never pays for the table or its compilation.
    private Dictionary<KeyHash, ManualResetEventSlim>? _running;

    /// <summary>True when the caller now owns the run for <paramref name="key"/> and must call <see cref="Complete"/>; false after waiting for another owner's run.</summary>
    public bool TryOwnOrWait(KeyHash key, CancellationToken cancellation)
    {
        ManualResetEventSlim? running;
        lock (_gate)
        {
            _running ??= new Dictionary<KeyHash, ManualResetEventSlim>();
            if (!_running.TryGetValue(key, out running))
            {
                _running[key] = new ManualResetEventSlim(initialState: false);
                return true;
            }
        }

        running.Wait(cancellation);
        return false;
    }

    public void Complete(KeyHash key)
    {
        ManualResetEventSlim done;
        lock (_gate)
        {
            done = _running![key];
            _running.Remove(key);
        }

        done.Set();
    }
}
