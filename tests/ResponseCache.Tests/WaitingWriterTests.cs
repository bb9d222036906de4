using ResponseCache.Core;
using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Sets of one engine waiting for the lock another process holds: reads of that engine are still served, each
/// waiting set ends on its own cancellation, and the sets queued meanwhile are written together.
/// </summary>
public sealed class WaitingWriterTests : CacheTestBase
{
    // Far longer than any wait below: a set that ends within a test was cancelled or let through, never timed out.
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(60);

    // What "at once" allows on a busy machine; a read that waited for the lock would wait the whole lock timeout.
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(10);

    private readonly ManualResetEventSlim _lockRefused = new();

    public WaitingWriterTests() => Disk.AfterLockRefused = _lockRefused.Set;

    /// <summary>What another process holding the lock has open.</summary>
    private FileStream HoldLock()
    {
        Directory.CreateDirectory(CacheDirectory);
        return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    // Its own thread: a blocked pool thread could delay the next task by the pool's injection delay.
    private static Task<T> Start<T>(Func<T> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>A set on its own thread; its task gives what it threw, or null when it stored the response.</summary>
    private static Task<Exception?> StartSet(DirectoryCache engine, string key, CancellationToken cancellation = default) => Start<Exception?>(() =>
    {
        try
        {
            engine.SetMany(new[] { new KeyValuePair<string, byte[]>(key, Responses.Json("answer " + key)) }, Policy(), cancellation: cancellation);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    });

    /// <summary>A set that has found the lock held, and so is waiting for it.</summary>
    private Task<Exception?> StartWaitingSet(DirectoryCache engine, string key, CancellationToken cancellation = default)
    {
        _lockRefused.Reset();
        Task<Exception?> set = StartSet(engine, key, cancellation);
        Assert.True(_lockRefused.Wait(s_prompt), "The set never tried the lock.");
        return set;
    }

    private static T ResultWithin<T>(Task<T> task, string failure)
    {
        Assert.True(task.Wait(s_prompt), failure);
        return task.Result;
    }

    private static void AssertEndsCancelled(Task<Exception?> set) =>
        Assert.IsAssignableFrom<OperationCanceledException>(ResultWithin(set, "A set went on waiting for the lock after its cancellation."));

    private static void AssertEndsStored(Task<Exception?> set) => Assert.Null(ResultWithin(set, "A set went on waiting after the lock was free."));

    private void AssertStored(string key) => Assert.Equal("answer " + key, Responses.Text(NewEngine().Get(key, Policy())));

    private void AssertNotStored(string key) => Assert.Null(NewEngine().Get(key, Policy()));

    [Fact]
    public void A_hit_and_a_miss_on_the_engine_of_a_set_waiting_for_the_lock_are_served_at_once()
    {
        DirectoryCache engine = NewEngine(s_lockTimeout);
        engine.Set("question", Responses.Json("answer"), Policy());
        using var cancellation = new CancellationTokenSource();

        using (HoldLock())
        {
            Task<Exception?> set = StartWaitingSet(engine, "waiting", cancellation.Token);
            try
            {
                Task<byte[]?> hit = Start(() => engine.Get("question", Policy()));
                Task<byte[]?> miss = Start(() => engine.Get("absent", Policy()));

                Assert.Equal("answer", Responses.Text(ResultWithin(hit, "A hit waited for the lock a set of its engine waits for.")));
                Assert.Null(ResultWithin(miss, "A miss waited for the lock a set of its engine waits for."));
                Assert.False(set.IsCompleted, "The set should still be waiting for the lock.");
            }
            finally
            {
                cancellation.Cancel();
            }

            AssertEndsCancelled(set);
        }
    }

    [Fact]
    public void A_set_waiting_for_the_lock_ends_on_its_cancellation_and_stores_nothing()
    {
        DirectoryCache engine = NewEngine(s_lockTimeout);
        using var cancellation = new CancellationTokenSource();

        using (HoldLock())
        {
            Task<Exception?> set = StartWaitingSet(engine, "cancelled", cancellation.Token);
            cancellation.Cancel();

            AssertEndsCancelled(set);
        }

        Assert.Equal(0, engine.QueuedWrites);
        AssertEndsStored(StartSet(engine, "after"));
        AssertStored("after");
        AssertNotStored("cancelled");
    }

    [Fact]
    public void A_set_queued_behind_a_set_waiting_for_the_lock_ends_on_its_own_cancellation_and_the_first_still_stores()
    {
        DirectoryCache engine = NewEngine(s_lockTimeout);
        using var cancellation = new CancellationTokenSource();
        Task<Exception?> first;

        using (HoldLock())
        {
            first = StartWaitingSet(engine, "first");
            Task<Exception?> second = StartSet(engine, "second", cancellation.Token);
            Assert.True(SpinWait.SpinUntil(() => engine.QueuedWrites == 2, s_prompt), "The second set never queued.");
            cancellation.Cancel();

            AssertEndsCancelled(second);
            Assert.False(first.IsCompleted, "The first set should still be waiting for the lock.");
        }

        AssertEndsStored(first);
        AssertStored("first");
        AssertNotStored("second");
    }

    [Fact]
    public void A_waiting_set_cancelled_leaves_the_set_queued_behind_it_waiting_and_storing_once_the_lock_is_free()
    {
        DirectoryCache engine = NewEngine(s_lockTimeout);
        using var cancellation = new CancellationTokenSource();
        Task<Exception?> second;

        using (HoldLock())
        {
            Task<Exception?> first = StartWaitingSet(engine, "first", cancellation.Token);
            second = StartSet(engine, "second");
            Assert.True(SpinWait.SpinUntil(() => engine.QueuedWrites == 2, s_prompt), "The second set never queued.");
            cancellation.Cancel();

            AssertEndsCancelled(first);
            Assert.False(second.IsCompleted, "The second set should wait for the lock itself, not end with the first.");
        }

        AssertEndsStored(second);
        AssertStored("second");
        AssertNotStored("first");
    }

    [Fact]
    public void Sets_queued_while_a_set_waits_for_the_lock_are_written_with_it_in_one_write()
    {
        DirectoryCache engine = NewEngine(s_lockTimeout);
        engine.Set("existing", Responses.Json("kept"), Policy());
        string[] keys = { "a", "b", "c" };
        var versions = new List<string[]>();
        Disk.AfterReplace = file => versions.Add(keys.Where(key => CacheFileContent.Contains(file, key)).ToArray());
        var sets = new List<Task<Exception?>>();

        using (HoldLock())
        {
            sets.Add(StartWaitingSet(engine, "a"));
            sets.Add(StartSet(engine, "b"));
            sets.Add(StartSet(engine, "c"));
            Assert.True(SpinWait.SpinUntil(() => engine.QueuedWrites == 3, s_prompt), "Not every set queued.");
        }

        sets.ForEach(AssertEndsStored);
        Assert.Equal(keys, Assert.Single(versions));
    }

    // Why a read, which only tries the lock while it holds the engine's monitor, can never take the lock from under
    // a writer of its own process that holds it and waits for that monitor.
    [Fact]
    public void The_lock_one_thread_holds_is_refused_to_another_thread_of_the_process()
    {
        Directory.CreateDirectory(CacheDirectory);

        using (FileLock.Acquire(Disk, LockFile, s_lockTimeout))
        {
            Assert.Null(ResultWithin(Start(() => FileLock.TryAcquire(Disk, LockFile)), "TryAcquire waited."));
        }

        using FileLock? free = ResultWithin(Start(() => FileLock.TryAcquire(Disk, LockFile)), "TryAcquire waited.");
        Assert.NotNull(free);
    }
}
