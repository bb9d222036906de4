using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Every lookup can say what it did: hit, miss, refreshed or waited, with the entry's age and the cache's location.</summary>
public sealed class LookupOutcomeTests : CacheTestBase
{
    [Fact]
    public void A_miss_then_a_hit_say_so_with_the_entrys_creation_time_and_age()
    {
        DirectoryCache engine = NewEngine();
        var outcomes = new List<CacheLookupOutcome>();
        DateTimeOffset created = Clock.Now;

        engine.Get("question", Policy(), report: outcomes.Add);
        engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("answer"), report: outcomes.Add);
        Clock.Advance(TimeSpan.FromHours(5));
        engine.GetOrAdd("question", Policy(), refresh: false, () => throw new InvalidOperationException("must not run"), report: outcomes.Add);
        engine.Get("question", Policy(), report: outcomes.Add);

        Assert.Equal("Miss Miss Hit Hit", string.Join(" ", outcomes.Select(outcome => outcome.Status)));
        Assert.Null(outcomes[0].Created);
        Assert.Equal(created.LocalDateTime, outcomes[1].Created);
        Assert.Equal(TimeSpan.Zero, outcomes[1].Age);
        Assert.Equal(created.LocalDateTime, outcomes[2].Created);
        Assert.Equal(TimeSpan.FromHours(5), outcomes[2].Age);
        Assert.Equal(TimeSpan.FromHours(5), outcomes[3].Age);
        Assert.All(outcomes, outcome => Assert.Equal(KeyHash.Compute("question").ToString(), outcome.KeyHash));
        Assert.All(outcomes, outcome => Assert.Equal(engine.Location, outcome.Location));
    }

    [Fact]
    public void A_refresh_says_refreshed_and_the_entry_is_new()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("old"), Policy());
        Clock.Advance(TimeSpan.FromDays(1));
        CacheLookupOutcome? outcome = null;

        engine.GetOrAdd("question", Policy(), refresh: true, () => Responses.Json("new"), report: reported => outcome = reported);

        Assert.Equal(CacheLookupStatus.Refreshed, outcome!.Status);
        Assert.Equal(TimeSpan.Zero, outcome.Age);
    }

    [Fact]
    public void A_caller_that_shared_another_callers_run_says_it_waited()
    {
        DirectoryCache engine = NewEngine();
        using var owner = BlockedProducer.Start(engine, "question", "expensive answer");
        CacheLookupOutcome? outcome = null;

        BackgroundCall waiter = BackgroundCall.StartBlocked(() =>
            engine.GetOrAdd("question", Policy(), refresh: false, owner.Produce, report: reported => outcome = reported));
        owner.Release();
        waiter.Join();

        Assert.Equal("expensive answer", Responses.Text(waiter.Result));
        Assert.Equal(CacheLookupStatus.Waited, outcome!.Status);
    }
}
