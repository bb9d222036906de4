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
