using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>Get-or-add: one run of the producer per key at a time, its outcome shared with the callers that waited for it.</summary>
public abstract partial class CacheContract
{
    [ContractFact]
    public void Concurrent_callers_for_one_key_run_the_producer_once_and_share_its_response()
    {
        ICacheBackend cache = NewCache();
        using var owner = BlockedProducer.Start(cache, "question", "expensive answer");

        BackgroundCall waiter = BackgroundCall.StartBlocked(() => GetOrAdd(cache, "question", owner.Produce));
        owner.Release();
        waiter.Join();

        Assert.Equal(1, owner.Runs);
        Assert.Equal("expensive answer", Responses.Text(owner.Owner.Result));
        Assert.Equal("expensive answer", Responses.Text(waiter.Result));
        CacheStatistics stats = Stats(cache);
        Assert.Equal((1L, 1L), (stats.Hits, stats.Misses));
    }

    [ContractFact]
    public void A_cached_response_is_returned_without_running_the_producer()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "cached");

        byte[]? result = GetOrAdd(SameCacheElsewhere(cache), "question", () => throw new InvalidOperationException("must not run"));

        Assert.Equal("cached", Responses.Text(result));
    }

    [ContractFact]
    public void Refresh_runs_the_producer_again_and_every_process_reads_the_new_response()
    {
        ICacheBackend cache = NewCache();
        int runs = 0;
        Assert.Equal("run 1", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("run " + ++runs))));
        Assert.Equal("run 1", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("run " + ++runs))));

        byte[]? refreshed = GetOrAdd(cache, "question", () => Responses.Json("run " + ++runs), refresh: true);

        Assert.Equal(2, runs);
        Assert.Equal("run 2", Responses.Text(refreshed));
        Assert.Equal("run 2", Get(SameCacheElsewhere(cache), "question"));
    }

    [ContractFact]
    public void A_throwing_producer_caches_nothing_and_the_next_call_produces_again()
    {
        ICacheBackend cache = NewCache();

        Assert.Throws<InvalidOperationException>(() => GetOrAdd(cache, "question", () => throw new InvalidOperationException("API down")));

        Assert.Null(Get(cache, "question"));
        Assert.Empty(Listed(SameCacheElsewhere(cache)));
        Assert.Equal("second try", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("second try"))));
    }

    [ContractFact]
    public void A_producer_returning_null_caches_nothing()
    {
        ICacheBackend cache = NewCache();
        int runs = 0;

        Assert.Null(GetOrAdd(cache, "question", () => { runs++; return null; }));
        Assert.Null(GetOrAdd(cache, "question", () => { runs++; return null; }));

        Assert.Equal(2, runs);
        Assert.Null(Get(cache, "question"));
        Assert.Empty(Listed(cache));
    }

    [ContractFact]
    public void Callers_waiting_on_a_run_that_fails_get_its_exception_without_running_the_producer_again()
    {
        ICacheBackend cache = NewCache();
        var rateLimited = new InvalidOperationException("429 Too Many Requests");
        using var owner = BlockedProducer.Start(cache, "question", () => throw rateLimited);

        BackgroundCall waiter = BackgroundCall.StartBlocked(() => GetOrAdd(cache, "question", owner.Produce));
        owner.Release();
        waiter.Join();

        Assert.Equal(1, owner.Runs);
        Assert.Same(rateLimited, owner.Owner.Failure);
        Assert.Same(rateLimited, waiter.Failure);
        Assert.Equal("after", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("after"))));
    }

    [ContractFact]
    public void A_get_or_add_for_a_key_inside_that_keys_own_producer_fails_instead_of_waiting_for_itself()
    {
        ICacheBackend cache = NewCache();

        BackgroundCall caller = BackgroundCall.Start(() =>
            GetOrAdd(cache, "question", () => GetOrAdd(cache, "question", () => Responses.Json("inner")))).Join();

        Assert.IsType<ReentrantGetOrAddException>(caller.Failure);
        Assert.Null(Get(cache, "question"));
    }

    [ContractFact]
    public void A_caller_waiting_for_another_callers_producer_stops_with_an_error_after_the_wait_timeout()
    {
        ICacheBackend cache = NewCache(producerWaitTimeout: TimeSpan.Zero);
        using var owner = BlockedProducer.Start(cache, "question", "slow answer");

        Assert.Throws<ProducerWaitTimeoutException>(() => GetOrAdd(cache, "question", () => throw new InvalidOperationException("must not run")));

        owner.Release();
        Assert.Equal("slow answer", Get(cache, "question"));
    }

    [ContractFact]
    public void Cancelling_a_caller_that_waits_for_another_callers_producer_ends_its_wait_and_not_the_run()
    {
        ICacheBackend cache = NewCache();
        using var stopping = new CancellationTokenSource();
        using var owner = BlockedProducer.Start(cache, "question", "answer");
        BackgroundCall waiter = BackgroundCall.StartBlocked(() =>
            GetOrAdd(cache, "question", () => throw new InvalidOperationException("must not run"), cancellation: stopping.Token));

        stopping.Cancel();

        Assert.IsAssignableFrom<OperationCanceledException>(waiter.Join().Failure);
        owner.Release();
        Assert.Equal("answer", Responses.Text(owner.Owner.Result));
        Assert.Equal("answer", Get(cache, "question"));
    }

    [ContractFact]
    public void When_the_running_producer_is_cancelled_a_waiting_caller_produces_instead()
    {
        ICacheBackend cache = NewCache();
        using var owner = BlockedProducer.Start(cache, "question", () => throw new OperationCanceledException());
        BackgroundCall waiter = BackgroundCall.StartBlocked(() => GetOrAdd(cache, "question", () => Responses.Json("from the waiter")));

        owner.Release();

        Assert.IsAssignableFrom<OperationCanceledException>(owner.Owner.Failure);
        Assert.Equal("from the waiter", Responses.Text(waiter.Join().Result));
        Assert.Equal("from the waiter", Get(cache, "question"));
    }
    [ContractFact]
    public void An_entry_whose_response_is_null_is_a_miss_and_get_or_add_produces_over_it()
    {
        // What the Python reference's set(key, None) writes, and its own get() then misses. A user trial: a piped record
        // whose Response was $null made a "hit" that returned nothing and kept the producer from running for a TTL.
        ICacheBackend cache = NewCache();
        Set(cache, "question", Encoding.UTF8.GetBytes("null"));
        ICacheBackend elsewhere = SameCacheElsewhere(cache);

        Assert.Null(elsewhere.Get("question", Default, NullCacheLog.Instance));
        Assert.Equal("produced", Responses.Text(GetOrAdd(elsewhere, "question", () => Responses.Json("produced"))));
        Assert.Equal("produced", Get(cache, "question"));
        CacheStatistics stats = Stats(elsewhere);
        Assert.Equal((0L, 2L), (stats.Hits, stats.Misses));
    }
}
