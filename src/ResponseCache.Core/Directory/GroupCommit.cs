using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;

namespace ResponseCache.Core;

/// <summary>
/// Writers of one directory queue their entries; whichever takes the store's monitor first writes every queued
/// request in one change (one lock, one journal append, one fsync), and the others find theirs done or failed.
/// </summary>
internal sealed class GroupCommit
{
    private readonly Queue<Request> _queue = new Queue<Request>();

    public Request Enqueue(IReadOnlyList<NewEntry> entries)
    {
        var request = new Request(entries);
        lock (_queue)
        {
            _queue.Enqueue(request);
        }

        return request;
    }

    /// <summary>Writes every request queued so far with <paramref name="write"/>, under the caller's monitor; each request learns how it ended.</summary>
    public void WriteQueued(Action<IReadOnlyList<Request>> write)
    {
        List<Request> batch;
        lock (_queue)
        {
            batch = _queue.ToList();
            _queue.Clear();
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            write(batch);
            batch.ForEach(request => request.Complete(null));
        }
        catch (Exception ex)
        {
            batch.ForEach(request => request.Complete(ex));
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
