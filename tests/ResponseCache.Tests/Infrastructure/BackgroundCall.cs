namespace ResponseCache.Tests.Infrastructure;

/// <summary>A cache call on a thread of its own, so a test can hold it at a wait and look at what it returned or threw.</summary>
internal sealed class BackgroundCall
{
    /// <summary>How long a test waits for a call it expects to finish or to block before it fails.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A caller's first commands (a Redis lookup, a look at the file) block for a moment too: only a thread seen blocked
    // this long in all (a wait that polls wakes up now and then) is taken to be waiting for the running producer or lock.
    private static readonly TimeSpan s_settled = TimeSpan.FromMilliseconds(100);

    private readonly Thread _thread;

    private BackgroundCall(Func<byte[]?> call)
    {
        _thread = new Thread(() =>
        {
            try
            {
                Result = call();
            }
            catch (Exception ex)
            {
                Failure = ex;
            }
        });
        _thread.Start();
    }

    public byte[]? Result { get; private set; }

    public Exception? Failure { get; private set; }

    public static BackgroundCall Start(Func<byte[]?> call) => new(call);

    /// <summary>Starts the call and returns once it blocks: a caller waiting for another caller's producer (or lock).</summary>
    public static BackgroundCall StartBlocked(Func<byte[]?> call)
    {
        var started = new BackgroundCall(call);
        WaitUntilBlocked(started._thread);
        return started;
    }

    /// <summary>Waits (bounded) for the call to return; its outcome is then in <see cref="Result"/> or <see cref="Failure"/>.</summary>
    public BackgroundCall Join()
    {
        Assert.True(_thread.Join(Bound), "A call did not finish.");
        return this;
    }

    /// <summary>Waits (bounded) until the thread has been blocked for a while, and is blocked now.</summary>
    public static void WaitUntilBlocked(Thread thread)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var blocked = new System.Diagnostics.Stopwatch();
        while (true)
        {
            Assert.True(thread.IsAlive, "The caller finished without waiting.");
            Assert.True(waited.Elapsed < Bound, "The caller never blocked.");
            if ((thread.ThreadState & ThreadState.WaitSleepJoin) == 0)
            {
                blocked.Stop();
            }
            else if (blocked.Elapsed >= s_settled)
            {
                return;
            }
            else
            {
                blocked.Start();
            }

            Thread.Yield();
        }
    }
}
