using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class GetOrAddTests : CacheTestBase
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void Two_threads_asking_for_the_same_key_run_the_producer_once()
    {
        ResponseCacheEngine engine = NewEngine();
        int runs = 0;
        using var producerStarted = new ManualResetEventSlim();
        using var releaseProducer = new ManualResetEventSlim();
        byte[]? firstResult = null;
        byte[]? secondResult = null;

        byte[] Produce()
        {
            Interlocked.Increment(ref runs);
            producerStarted.Set();
            Assert.True(releaseProducer.Wait(s_bound), "The test never released the producer.");
            return Responses.Json("expensive answer");
        }

        var first = new Thread(() => firstResult = engine.GetOrAdd("question", Policy(), refresh: false, Produce));
        first.Start();
        Assert.True(producerStarted.Wait(s_bound), "The first caller never ran its producer.");

        var second = new Thread(() => secondResult = engine.GetOrAdd("question", Policy(), refresh: false, Produce));
        second.Start();
        WaitUntilBlocked(second);
        releaseProducer.Set();
        Assert.True(first.Join(s_bound) && second.Join(s_bound), "A caller did not finish.");

        Assert.Equal(1, runs);
        Assert.Equal("expensive answer", Responses.Text(firstResult));
        Assert.Equal("expensive answer", Responses.Text(secondResult));
        CacheStatistics stats = engine.GetStatistics(Policy());
        Assert.Equal((1L, 1L), (stats.Hits, stats.Misses));
    }

    [Fact]
    public void A_cached_response_is_returned_without_running_the_producer()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("cached"), Policy());

        byte[]? result = engine.GetOrAdd("question", Policy(), refresh: false, () => throw new InvalidOperationException("must not run"));

        Assert.Equal("cached", Responses.Text(result));
    }

    [Fact]
    public void Refresh_runs_the_producer_again_and_replaces_the_cached_response()
    {
        ResponseCacheEngine engine = NewEngine();
        int runs = 0;
        engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("run " + ++runs));

        byte[]? refreshed = engine.GetOrAdd("question", Policy(), refresh: true, () => Responses.Json("run " + ++runs));

        Assert.Equal(2, runs);
        Assert.Equal("run 2", Responses.Text(refreshed));
        Assert.Equal("run 2", Responses.Text(NewEngine().Get("question", Policy())));
    }

    [Fact]
    public void A_throwing_producer_caches_nothing_and_the_next_call_produces_again()
    {
        ResponseCacheEngine engine = NewEngine();

        Assert.Throws<InvalidOperationException>(() => engine.GetOrAdd("question", Policy(), refresh: false, () => throw new InvalidOperationException("API down")));

        Assert.Null(engine.Get("question", Policy()));
        Assert.False(File.Exists(CacheFile) && CacheFileContent.Contains(CacheFile, "question"));
        Assert.Equal("second try", Responses.Text(engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("second try"))));
    }

    [Fact]
    public void A_producer_returning_null_caches_nothing()
    {
        ResponseCacheEngine engine = NewEngine();

        Assert.Null(engine.GetOrAdd("question", Policy(), refresh: false, () => null));

        Assert.Null(engine.Get("question", Policy()));
    }

    [Fact]
    public void An_expired_entry_is_produced_again()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("old"), Policy(ttlDays: 1));
        Clock.Advance(TimeSpan.FromDays(2));

        byte[]? result = engine.GetOrAdd("question", Policy(ttlDays: 1), refresh: false, () => Responses.Json("new"));

        Assert.Equal("new", Responses.Text(result));
        Assert.Equal("new", CacheFileContent.Entry(CacheFile, "question").GetProperty("response").GetString());
    }

    [Fact]
    public void Callers_waiting_on_a_run_that_fails_get_its_exception_without_running_the_producer_again()
    {
        ResponseCacheEngine engine = NewEngine();
        int runs = 0;
        using var producerStarted = new ManualResetEventSlim();
        using var releaseProducer = new ManualResetEventSlim();
        var rateLimited = new InvalidOperationException("429 Too Many Requests");
        Exception? waiterFailure = null;

        byte[] Produce()
        {
            Interlocked.Increment(ref runs);
            producerStarted.Set();
            Assert.True(releaseProducer.Wait(s_bound), "The test never released the producer.");
            throw rateLimited;
        }

        var owner = new Thread(() => Assert.Throws<InvalidOperationException>(() => engine.GetOrAdd("question", Policy(), refresh: false, Produce)));
        owner.Start();
        Assert.True(producerStarted.Wait(s_bound), "The first caller never ran its producer.");
        var waiter = new Thread(() => waiterFailure = Record.Exception(() => engine.GetOrAdd("question", Policy(), refresh: false, Produce)));
        waiter.Start();
        WaitUntilBlocked(waiter);
        releaseProducer.Set();
        Assert.True(owner.Join(s_bound) && waiter.Join(s_bound), "A caller did not finish.");

        Assert.Equal(1, runs);
        Assert.Same(rateLimited, waiterFailure);
        Assert.Equal("after", Responses.Text(engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("after"))));
    }

    [Fact]
    public void A_get_or_add_for_a_key_inside_that_keys_own_producer_fails_instead_of_waiting_for_itself()
    {
        ResponseCacheEngine engine = NewEngine();
        Exception? failure = null;

        var caller = new Thread(() => failure = Record.Exception(() =>
            engine.GetOrAdd("question", Policy(), refresh: false, () => engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("inner")))));
        caller.Start();

        Assert.True(caller.Join(s_bound), "The nested get-or-add waited for its own producer.");
        Assert.IsType<ReentrantGetOrAddException>(failure);
        Assert.Null(engine.Get("question", Policy()));
    }

    [Fact]
    public void A_caller_waiting_for_another_callers_producer_stops_with_an_error_after_the_wait_timeout()
    {
        ResponseCacheEngine engine = EngineWithProducerWaitTimeout(TimeSpan.Zero);
        using var producerStarted = new ManualResetEventSlim();
        using var releaseProducer = new ManualResetEventSlim();
        var owner = new Thread(() => engine.GetOrAdd("question", Policy(), refresh: false, () =>
        {
            producerStarted.Set();
            Assert.True(releaseProducer.Wait(s_bound), "The test never released the producer.");
            return Responses.Json("slow answer");
        }));
        owner.Start();
        Assert.True(producerStarted.Wait(s_bound), "The first caller never ran its producer.");

        Assert.Throws<ProducerWaitTimeoutException>(() => engine.GetOrAdd("question", Policy(), refresh: false, () => throw new InvalidOperationException("must not run")));

        releaseProducer.Set();
        Assert.True(owner.Join(s_bound), "The producer did not finish.");
        Assert.Equal("slow answer", Responses.Text(engine.Get("question", Policy())));
    }

    [Fact]
    public void Cancelling_a_caller_that_waits_for_another_callers_producer_ends_its_wait_and_not_the_run()
    {
        ResponseCacheEngine engine = NewEngine();
        using var producerStarted = new ManualResetEventSlim();
        using var releaseProducer = new ManualResetEventSlim();
        using var stopping = new CancellationTokenSource();
        Exception? waiterFailure = null;
        var owner = new Thread(() => engine.GetOrAdd("question", Policy(), refresh: false, () =>
        {
            producerStarted.Set();
            Assert.True(releaseProducer.Wait(s_bound), "The test never released the producer.");
            return Responses.Json("answer");
        }));
        owner.Start();
        Assert.True(producerStarted.Wait(s_bound), "The first caller never ran its producer.");
        var waiter = new Thread(() => waiterFailure = Record.Exception(() =>
            engine.GetOrAdd("question", Policy(), refresh: false, () => throw new InvalidOperationException("must not run"), cancellation: stopping.Token)));
        waiter.Start();
        WaitUntilBlocked(waiter);

        stopping.Cancel();

        Assert.True(waiter.Join(s_bound), "The cancelled caller kept waiting.");
        Assert.IsAssignableFrom<OperationCanceledException>(waiterFailure);
        releaseProducer.Set();
        Assert.True(owner.Join(s_bound), "The producer did not finish.");
        Assert.Equal("answer", Responses.Text(engine.Get("question", Policy())));
    }

    [Fact]
    public void When_the_running_producer_is_cancelled_a_waiting_caller_produces_instead()
    {
        ResponseCacheEngine engine = NewEngine();
        using var producerStarted = new ManualResetEventSlim();
        using var releaseProducer = new ManualResetEventSlim();
        byte[]? waiterResult = null;
        var owner = new Thread(() => Assert.ThrowsAny<OperationCanceledException>(() => engine.GetOrAdd("question", Policy(), refresh: false, () =>
        {
            producerStarted.Set();
            Assert.True(releaseProducer.Wait(s_bound), "The test never released the producer.");
            throw new OperationCanceledException();
        })));
        owner.Start();
        Assert.True(producerStarted.Wait(s_bound), "The first caller never ran its producer.");
        var waiter = new Thread(() => waiterResult = engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("from the waiter")));
        waiter.Start();
        WaitUntilBlocked(waiter);

        releaseProducer.Set();

        Assert.True(owner.Join(s_bound) && waiter.Join(s_bound), "A caller did not finish.");
        Assert.Equal("from the waiter", Responses.Text(waiterResult));
    }

    [Fact]
    public void Cancelling_a_call_that_waits_for_the_cross_process_lock_ends_it_and_writes_nothing()
    {
        ResponseCacheEngine engine = NewEngine(lockTimeout: TimeSpan.FromMinutes(5));
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        using var stopping = new CancellationTokenSource();
        Exception? failure = null;

        using (new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var caller = new Thread(() => failure = Record.Exception(() =>
                engine.GetOrAdd("question", Policy(), refresh: true, () => Responses.Json("answer"), cancellation: stopping.Token)));
            caller.Start();
            WaitUntilBlocked(caller);

            stopping.Cancel();

            Assert.True(caller.Join(s_bound), "The cancelled call kept waiting for the lock.");
        }

        Assert.IsAssignableFrom<OperationCanceledException>(failure);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("question", Policy()));
    }

    private ResponseCacheEngine EngineWithProducerWaitTimeout(TimeSpan timeout) =>
        new(CacheDirectory, new CacheEngineOptions { Clock = Clock, ProducerWaitTimeout = timeout });

    /// <summary>Waits (bounded) until the thread blocks: the second caller has reached the wait for the running producer.</summary>
    private static void WaitUntilBlocked(Thread thread)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((thread.ThreadState & ThreadState.WaitSleepJoin) == 0)
        {
            Assert.True(thread.IsAlive, "The second caller finished without waiting for the running producer.");
            Assert.True(waited.Elapsed < s_bound, "The second caller never blocked.");
            Thread.Yield();
        }
    }
}
