using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// At most one producer per key at a time within the process: the first caller for a key owns the run, later callers
/// wait for it and share its outcome (its response, its "nothing", or its failure) instead of calling the API too.
/// </summary>
internal sealed class SingleFlight
{
    private readonly object _gate = new object();
    private readonly TimeSpan _waitTimeout;

    private readonly Dictionary<KeyHash, Run> _running = new Dictionary<KeyHash, Run>();

    public SingleFlight(TimeSpan waitTimeout) => _waitTimeout = waitTimeout;

    /// <summary>
    /// True when the caller now owns the run for <paramref name="key"/> and must call <see cref="Complete"/>; false
    /// after waiting for another caller's run, whose response is then in <paramref name="shared"/> (null: it produced
    /// nothing). Rethrows the exception the awaited run failed with.
    /// </summary>
    public bool TryOwnOrWait(KeyHash key, CancellationToken cancellation, out byte[]? shared)
    {
        while (true)
        {
            Run? running;
            lock (_gate)
            {
                if (!_running.TryGetValue(key, out running))
                {
                    _running[key] = new Run(Environment.CurrentManagedThreadId);
                    shared = null;
                    return true;
                }
            }

            // The owner is further up this thread's stack: waiting for it would wait for ever.
            if (running.OwnerThreadId == Environment.CurrentManagedThreadId)
            {
                throw new ReentrantGetOrAddException(key);
            }

            if (!running.Done.Wait(_waitTimeout, cancellation))
            {
                throw new ProducerWaitTimeoutException(key, _waitTimeout);
            }

            // A run its owner cancelled answered nothing: the waiters are not cancelled, so one of them runs instead.
            if (running.Failure?.SourceException is OperationCanceledException)
            {
                continue;
            }

            running.Failure?.Throw();
            shared = running.Response;
            return false;
        }
    }

    /// <summary>Ends the owner's run, handing its response (or failure) to every caller waiting for it.</summary>
    public void Complete(KeyHash key, byte[]? response, Exception? failure)
    {
        Run run;
        lock (_gate)
        {
            run = _running[key];
            _running.Remove(key);
        }

        run.Response = response;
        run.Failure = failure is null ? null : ExceptionDispatchInfo.Capture(failure);
        run.Done.Set();
    }

    private sealed class Run
    {
        public Run(int ownerThreadId) => OwnerThreadId = ownerThreadId;

        public int OwnerThreadId { get; }

        public ManualResetEventSlim Done { get; } = new ManualResetEventSlim(initialState: false);

        public byte[]? Response { get; set; }

        public ExceptionDispatchInfo? Failure { get; set; }
    }
}
