using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// Group commit of one directory store's sets: a request joins a queue, and whichever writer has the writers' turn
/// and then the cross-process lock writes every request queued by then under that lock with one journal append and
/// one fsync. The others find theirs done (or failed) when their turn comes.
/// </summary>
internal sealed class GroupCommit
{
    private readonly List<Request> _queue = new List<Request>();
    private readonly SemaphoreSlim _writersTurn;
    private readonly Func<CancellationToken, FileLock> _lock;
    private readonly Action<FileLock, IReadOnlyList<Request>> _write;

    /// <param name="writersTurn">The store's writers' turn, which every change takes before the lock.</param>
    /// <param name="lockFiles">Waits for the cross-process lock with the call's cancellation.</param>
    /// <param name="write">Writes a batch under the lock given, taking the store's monitor; throws what failed.</param>
    public GroupCommit(SemaphoreSlim writersTurn, Func<CancellationToken, FileLock> lockFiles, Action<FileLock, IReadOnlyList<Request>> write)
    {
        _writersTurn = writersTurn;
        _lock = lockFiles;
        _write = write;
    }

    /// <summary>How many sets wait for a write to take them; for tests that must know a set is queued.</summary>
    public int QueuedWrites
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues the entries and returns once a write took them: what it wrote, or it throws what failed.</summary>
    public StoreWrite Write(IReadOnlyList<NewEntry> entries, ICacheLog log, CancellationToken cancellation)
    {
        var request = new Request(entries);
        lock (_queue)
        {
            _queue.Add(request);
        }

        if (!TakeWritersTurn(request, cancellation))
        {
            // Cancelled too late: the writer ahead already took this request, into the write it is making under the
            // lock or into the failure of its wait for it. Either outcome is this call's, and that writer no longer
            // waits for anything but the disk.
            _writersTurn.Wait();
        }

        try
        {
            if (!request.IsDone)
            {
                WriteQueued(request, cancellation);
            }
        }
        finally
        {
            _writersTurn.Release();
        }

        return request.Outcome(log);
    }

    /// <summary>False when cancelled after another writer took the request out of the queue; then the turn is not held.</summary>
    private bool TakeWritersTurn(Request request, CancellationToken cancellation)
    {
        try
        {
            _writersTurn.Wait(cancellation);
            return true;
        }
        catch (OperationCanceledException)
        {
            if (Withdraw(request))
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>With the writers' turn: <paramref name="own"/> is still queued, as only the turn's holder takes requests out.</summary>
    private void WriteQueued(Request own, CancellationToken cancellation)
    {
        List<Request> queuedBeforeTheWait;
        lock (_queue)
        {
            queuedBeforeTheWait = _queue.ToList();
        }

        FileLock fileLock;
        try
        {
            fileLock = _lock(cancellation);
        }
        catch (OperationCanceledException ex)
        {
            // Only this caller gave up; the requests behind it wait for the lock in their own turn.
            Withdraw(own);
            own.Complete(ex);
            return;
        }
        catch (Exception ex)
        {
            // Those queued before this wait began have waited at least as long for the same lock: they share its
            // failure (a timeout, or a lock file that cannot be opened) rather than each waiting a timeout more in turn.
            FailQueued(queuedBeforeTheWait, ex);
            return;
        }

        using (fileLock)
        {
            // Every set queued by the time the lock is had, also those that arrived while it was awaited.
            List<Request> batch = TakeQueued();
            try
            {
                _write(fileLock, batch);
                batch.ForEach(request => request.Complete(null));
            }
            catch (Exception ex)
            {
                batch.ForEach(request => request.Complete(ex));
            }
        }
    }

    private List<Request> TakeQueued()
    {
        lock (_queue)
        {
            List<Request> batch = _queue.ToList();
            _queue.Clear();
            return batch;
        }
    }

    /// <summary>False when the request was no longer queued: a write took it, and completes it.</summary>
    private bool Withdraw(Request request)
    {
        lock (_queue)
        {
            return _queue.Remove(request);
        }
    }

    /// <summary>Fails those of <paramref name="requests"/> still queued; their callers withdrew the others.</summary>
    private void FailQueued(List<Request> requests, Exception failure)
    {
        lock (_queue)
        {
            foreach (Request request in requests)
            {
                if (_queue.Remove(request))
                {
                    request.Complete(failure);
                }
            }
        }
    }

    /// <summary>One caller's entries waiting for group commit, and how that commit ended for them.</summary>
    public sealed class Request
    {
        private ExceptionDispatchInfo? _failure;

        public Request(IReadOnlyList<NewEntry> entries) => Entries = entries;

        public IReadOnlyList<NewEntry> Entries { get; }

        /// <summary>What the writer logged for this request, replayed to its caller's log.</summary>
        public BufferedCacheLog Log { get; } = new BufferedCacheLog();

        public bool IsDone { get; private set; }

        public StoreWrite Written { get; set; }

        public void Complete(Exception? failure)
        {
            _failure = failure is null ? null : ExceptionDispatchInfo.Capture(failure);
            IsDone = true;
        }

        /// <summary>Replays the request's messages to its caller, then returns what was written or throws what failed.</summary>
        public StoreWrite Outcome(ICacheLog log)
        {
            Log.ReplayInto(log);
            _failure?.Throw();
            return Written;
        }
    }
}
