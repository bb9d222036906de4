using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class TtlTests : CacheTestBase
{
    [Fact]
    public void An_entry_older_than_the_ttl_is_a_miss_and_is_removed_from_the_file()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("old question", Responses.Json("old answer"), Policy(ttlDays: 7));
        engine.Set("kept question", Responses.Json("kept answer"), Policy(ttlDays: 7));

        Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        engine.Set("kept question", Responses.Json("kept answer"), Policy(ttlDays: 7));

        Assert.Null(engine.Get("old question", Policy(ttlDays: 7)));
        Assert.False(CacheFileContent.Contains(CacheFile, "old question"));
        Assert.True(CacheFileContent.Contains(CacheFile, "kept question"));
    }

    [Fact]
    public void An_entry_exactly_as_old_as_the_ttl_is_still_served()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy(ttlDays: 7));

        Clock.Advance(TimeSpan.FromDays(7));

        Assert.Equal("answer", Responses.Text(engine.Get("question", Policy(ttlDays: 7))));
    }

    [Fact]
    public void A_read_with_a_shorter_ttl_misses_but_leaves_the_entry_for_callers_that_accept_its_age()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);
        Clock.Advance(TimeSpan.FromDays(2));

        Assert.Null(engine.Get("question", CachePolicy.ForTtl(1)));

        Assert.Equal("answer", Responses.Text(engine.Get("question", CachePolicy.ForTtl(3))));
        Assert.True(CacheFileContent.Contains(CacheFile, "question"));
    }

    [Fact]
    public void A_read_removes_an_entry_only_once_it_is_older_than_the_caches_own_ttl()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Configure(ttlDays: 3);
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);
        Clock.Advance(TimeSpan.FromDays(4));

        Assert.Null(engine.Get("question", CachePolicy.ForTtl(1)));

        Assert.False(CacheFileContent.Contains(CacheFile, "question"));
    }

    [Fact]
    public void Get_or_add_replaces_an_entry_older_than_the_caller_accepts()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("old answer"), CachePolicy.Default);
        Clock.Advance(TimeSpan.FromDays(2));

        byte[]? answer = engine.GetOrAdd("question", CachePolicy.ForTtl(1), refresh: false, () => Responses.Json("new answer"));

        Assert.Equal("new answer", Responses.Text(answer));
        Assert.Equal("new answer", Responses.Text(engine.Get("question", CachePolicy.Default)));
    }

    [Fact]
    public void Times_no_date_can_hold_are_unknown_so_they_never_expire_and_are_listed_empty()
    {
        double milliseconds = Clock.UnixSeconds * 1000;
        CacheFileContent.Write(CacheFile, ("from another tool", CacheFileContent.EntryJson("\"answer\"", createdAt: milliseconds, lastAccessed: milliseconds)));
        ResponseCacheEngine engine = NewEngine();

        CacheEntryInfo entry = Assert.Single(engine.ListEntries(Policy(ttlDays: 1)));

        Assert.Equal((null, null, null, false), (entry.Created, entry.LastAccessed, entry.Expires, entry.IsExpired));
        Assert.Equal(0, engine.GetStatistics(Policy(ttlDays: 0)).ExpiredEntries);
        Assert.Equal("answer", Responses.Text(engine.Get("from another tool", Policy(ttlDays: 0))));
    }

    [Fact]
    public void A_ttl_that_reaches_past_the_last_date_lists_the_entry_as_never_expiring()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);

        CacheEntryInfo entry = Assert.Single(engine.ListEntries(Policy(ttlDays: 1e10)));

        Assert.NotNull(entry.Created);
        Assert.Null(entry.Expires);
        Assert.False(entry.IsExpired);
    }

    [Fact]
    public void A_legacy_entry_without_created_at_never_expires()
    {
        CacheFileContent.Write(CacheFile, ("legacy question", CacheFileContent.EntryJson("\"legacy answer\"", createdAt: null, lastAccessed: null)));
        ResponseCacheEngine engine = NewEngine();

        Clock.Advance(TimeSpan.FromDays(3650));

        Assert.Equal("legacy answer", Responses.Text(engine.Get("legacy question", Policy(ttlDays: 1))));
        CacheStatistics stats = engine.GetStatistics(Policy(ttlDays: 1));
        Assert.Equal(0, stats.ExpiredEntries);
        Assert.Equal(1, stats.ActiveEntries);
    }

    [Fact]
    public void Statistics_count_expired_and_active_entries_without_removing_any()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("first", Responses.Json("1"), Policy());
        engine.Set("second", Responses.Json("2"), Policy());
        Clock.Advance(TimeSpan.FromDays(5));
        engine.Set("third", Responses.Json("3"), Policy());
        Clock.Advance(TimeSpan.FromDays(3));

        CacheStatistics stats = engine.GetStatistics(Policy(ttlDays: 7));

        Assert.Equal(3, stats.TotalEntries);
        Assert.Equal(2, stats.ExpiredEntries);
        Assert.Equal(1, stats.ActiveEntries);
        Assert.Equal(3, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void RemoveExpired_removes_exactly_the_expired_entries_from_the_file()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("first", Responses.Json("1"), Policy());
        Clock.Advance(TimeSpan.FromDays(5));
        engine.Set("second", Responses.Json("2"), Policy());
        Clock.Advance(TimeSpan.FromDays(3));

        int removed = engine.RemoveExpired(Policy(ttlDays: 7));

        Assert.Equal(1, removed);
        Assert.Equal(new[] { CacheFileContent.HashOf("second") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void An_expired_entry_counts_as_a_miss()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        Clock.Advance(TimeSpan.FromDays(8));

        engine.Get("question", Policy(ttlDays: 7));

        CacheStatistics stats = engine.GetStatistics(Policy());
        Assert.Equal(0, stats.Hits);
        Assert.Equal(1, stats.Misses);
    }
}
