using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class LruEvictionTests : CacheTestBase
{
    [Fact]
    public void Entries_are_listed_least_recently_used_first_and_a_hit_makes_an_entry_the_newest()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Policy(), "a", "b", "c");

        engine.Get("a", Policy());

        string[] order = engine.ListEntries(Policy()).Select(entry => entry.KeyHash).ToArray();
        Assert.Equal(new[] { "b", "c", "a" }.Select(CacheFileContent.HashOf), order);
    }

    [Fact]
    public void Storing_beyond_max_entries_evicts_the_least_recently_used_entry()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Policy(maxEntries: 3), "a", "b", "c");
        engine.Get("a", Policy(maxEntries: 3));

        engine.Set("d", Responses.Json("answer to d"), Policy(maxEntries: 3));

        Assert.Null(engine.Get("b", Policy(maxEntries: 3)));
        Assert.Equal(new[] { "a", "c", "d" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void Evictions_are_counted_in_the_statistics()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Policy(maxEntries: 10), "a", "b", "c", "d", "e");

        engine.Set("f", Responses.Json("answer to f"), Policy(maxEntries: 2));

        CacheStatistics stats = engine.GetStatistics(Policy(maxEntries: 2));
        Assert.Equal(4, stats.Evictions);
        Assert.Equal(2, stats.TotalEntries);
        Assert.NotNull(engine.Get("e", Policy(maxEntries: 2)));
        Assert.NotNull(engine.Get("f", Policy(maxEntries: 2)));
    }

    [Fact]
    public void A_hand_made_file_is_evicted_by_last_accessed_not_by_file_order()
    {
        CacheFileContent.Write(
            CacheFile,
            ("recent", CacheFileContent.EntryJson("\"r\"", createdAt: Clock.UnixSeconds - 300, lastAccessed: Clock.UnixSeconds - 10)),
            ("stale", CacheFileContent.EntryJson("\"s\"", createdAt: Clock.UnixSeconds - 200, lastAccessed: Clock.UnixSeconds - 100)),
            ("middle", CacheFileContent.EntryJson("\"m\"", createdAt: Clock.UnixSeconds - 100, lastAccessed: Clock.UnixSeconds - 50)));
        ResponseCacheEngine engine = NewEngine();

        engine.Set("new", Responses.Json("n"), Policy(maxEntries: 3));

        Dictionary<string, System.Text.Json.JsonElement> entries = CacheFileContent.Entries(CacheFile);
        Assert.DoesNotContain(CacheFileContent.HashOf("stale"), entries.Keys);
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public void Flushed_hits_decide_what_another_instance_evicts()
    {
        ResponseCacheEngine first = NewEngine();
        SetOneSecondApart(first, Policy(maxEntries: 2), "a", "b");
        first.Get("a", Policy(maxEntries: 2));
        first.FlushAccessTimes();

        ResponseCacheEngine second = NewEngine();
        second.Set("c", Responses.Json("answer to c"), Policy(maxEntries: 2));

        Assert.True(CacheFileContent.Contains(CacheFile, "a"));
        Assert.False(CacheFileContent.Contains(CacheFile, "b"));
    }

    [Fact]
    public void A_large_hand_made_file_in_any_order_is_listed_by_last_accessed_and_equal_times_keep_file_order()
    {
        var random = new Random(7);
        (string Key, int SecondsAgo)[] written = Enumerable.Range(0, 600).Select(i => ($"key {i}", random.Next(200))).ToArray();
        CacheFileContent.Write(CacheFile, written
            .Select(entry => (entry.Key, CacheFileContent.EntryJson("\"x\"", createdAt: Clock.UnixSeconds - 1000, lastAccessed: Clock.UnixSeconds - entry.SecondsAgo)))
            .ToArray());

        string[] listed = NewEngine().ListEntries(Roomy).Select(entry => entry.KeyHash).ToArray();

        IEnumerable<string> oldestFirstThenFileOrder = written.OrderByDescending(entry => entry.SecondsAgo).Select(entry => CacheFileContent.HashOf(entry.Key));
        Assert.Equal(oldestFirstThenFileOrder, listed);
    }
}
