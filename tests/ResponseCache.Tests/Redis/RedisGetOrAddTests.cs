using System.Diagnostics;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis;

public sealed class RedisGetOrAddTests : RedisTestBase
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Callers_in_four_processes_run_the_producer_once_and_share_its_response(string server)
    {
        string ns = NewNamespace();
        var processes = Enumerable.Range(0, 4).Select(_ => Open(server, ns)).ToList();
        int runs = 0;
        using var allStarted = new Barrier(processes.Count);

        byte[]?[] results = processes.AsParallel().WithDegreeOfParallelism(processes.Count).Select(cache =>
        {
            allStarted.SignalAndWait(s_bound);
            return cache.GetOrAdd("expensive", Default, refresh: false, () =>
            {
                Interlocked.Increment(ref runs);
                Thread.Sleep(500);
                return Responses.Json("answer");
            }, NullCacheLog.Instance, CancellationToken.None);
        }).ToArray();

        Assert.Equal(1, runs);
        Assert.All(results, result => Assert.Equal("answer", Responses.Text(result)));
        Assert.Equal(1L, processes[0].GetStatistics(Default, NullCacheLog.Instance).SharedMisses);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_lock_left_by_a_process_that_died_expires_and_a_waiter_produces(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        direct.StringSet("rc:{" + ns + "}:lock:" + HashOf("k"), "dead-owner", TimeSpan.FromMilliseconds(1500));
        int runs = 0;
        var watch = Stopwatch.StartNew();

        byte[]? result = cache.GetOrAdd("k", Default, refresh: false, () => { runs++; return Responses.Json("mine"); }, NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal("mine", Responses.Text(result));
        Assert.Equal(1, runs);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.0, 10);
        Assert.False(direct.KeyExists("rc:{" + ns + "}:lock:" + HashOf("k")), "The waiter that took over left its lock behind.");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_producer_that_runs_longer_than_the_lock_expiry_keeps_its_lock(string server)
    {
        string ns = NewNamespace();
        var owner = Open(server, ns, options => options.ProducerLockExpiry = TimeSpan.FromMilliseconds(1500));
        var waiter = Open(server, ns, options => options.ProducerLockExpiry = TimeSpan.FromMilliseconds(1500));
        using var producing = BlockedProducer.Start(owner, "slow", "slow answer");
        BackgroundCall second = BackgroundCall.StartBlocked(() => waiter.GetOrAdd("slow", Default, refresh: false, producing.Produce, NullCacheLog.Instance, CancellationToken.None));

        // Real time, as the lock's expiry runs on the server's clock: the producer outlasts it more than twice over.
        Thread.Sleep(4000);
        producing.Release();

        Assert.Equal("slow answer", Responses.Text(producing.Owner.Result));
        Assert.Equal("slow answer", Responses.Text(second.Join().Result));
        Assert.Equal(1, producing.Runs);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_waiter_stops_when_cancelled_and_when_its_wait_times_out(string server)
    {
        string ns = NewNamespace();
        var direct = Direct(server);
        direct.StringSet("rc:{" + ns + "}:lock:" + HashOf("k"), "busy-owner", TimeSpan.FromSeconds(60));
        var cache = Open(server, ns, options => options.ProducerWaitTimeout = TimeSpan.FromMilliseconds(700));
        var patient = Open(server, ns);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        int runs = 0;

        Assert.ThrowsAny<OperationCanceledException>(() =>
            patient.GetOrAdd("k", Default, refresh: false, () => { runs++; return null; }, NullCacheLog.Instance, cancel.Token));
        var timeout = Assert.Throws<ProducerWaitTimeoutException>(() =>
            cache.GetOrAdd("k", Default, refresh: false, () => { runs++; return null; }, NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(TimeSpan.FromMilliseconds(700), timeout.Timeout);
        Assert.Equal(0, runs);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_producer_that_throws_releases_its_lock_for_the_next_caller(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var other = Open(server, ns, options => options.ProducerWaitTimeout = TimeSpan.FromSeconds(2));

        Assert.Throws<InvalidOperationException>(() =>
            cache.GetOrAdd("k", Default, refresh: false, () => throw new InvalidOperationException("API down"), NullCacheLog.Instance, CancellationToken.None));
        byte[]? result = other.GetOrAdd("k", Default, refresh: false, () => Responses.Json("recovered"), NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal("recovered", Responses.Text(result));
    }
}
