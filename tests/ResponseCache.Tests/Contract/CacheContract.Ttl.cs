using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>Expiry: the cache's TTL, the freshness a caller asks for, and entries whose age is unknown.</summary>
public abstract partial class CacheContract
{
    [ContractFact]
    public void An_entry_older_than_the_ttl_is_a_miss_for_every_process_and_a_later_write_removes_it()
    {
        ICacheBackend cache = NewCache();
        ICacheBackend reader = SameCacheElsewhere(cache);
        Configure(cache, ttlDays: 2);
        Set(cache, "old question", "old answer");
        Set(cache, "kept question", "kept answer");

        Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("old answer", Get(reader, "old question"));
        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Set(cache, "kept question", "kept answer");

        Assert.Null(Get(reader, "old question"));
        Assert.Null(GetOrAdd(reader, "old question", () => null));
        Assert.Equal("kept answer", Get(reader, "kept question"));
        Assert.Equal(Hashes("kept question"), Listed(cache));
    }

    /// <remarks>
    /// Both backends compare Unix times as doubles, so at a time of day in ticks an entry exactly a TTL old may
    /// count as a hair older (about 1 in 1,400 times): the caches here run on whole seconds.
    /// </remarks>
    [ContractFact]
    public void An_entry_exactly_as_old_as_the_ttl_is_still_served()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");

        Clock.Advance(TimeSpan.FromDays(CacheConfiguration.DefaultTtlDays));

        Assert.Equal("answer", Get(cache, "question"));
        Assert.Equal(0, Stats(cache).ExpiredEntries);
    }

    [ContractFact]
    public void A_read_with_a_shorter_ttl_misses_but_keeps_the_entry_for_callers_that_accept_its_age()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");
        Clock.Advance(TimeSpan.FromDays(2));

        Assert.Null(Get(cache, "question", Fresh(1)));

        Assert.True(Assert.Single(cache.ListEntries(Fresh(1), NullCacheLog.Instance)).IsExpired);
        Assert.Equal("answer", Get(SameCacheElsewhere(cache), "question", Fresh(3)));
        Assert.Equal("answer", Get(cache, "question"));
    }

    [ContractFact]
    public void Get_or_add_produces_again_for_an_entry_older_than_the_caller_or_the_cache_accepts()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "old answer");
        Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal("new answer", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("new answer"), Fresh(1))));
        Assert.Equal("new answer", Get(cache, "question"));

        Clock.Advance(TimeSpan.FromDays(CacheConfiguration.DefaultTtlDays + 1));
        Assert.Equal("newer answer", Responses.Text(GetOrAdd(cache, "question", () => Responses.Json("newer answer"))));
        Assert.Equal("newer answer", Get(SameCacheElsewhere(cache), "question"));
    }

    [ContractFact]
    public void A_legacy_entry_without_a_creation_time_never_expires()
    {
        ICacheBackend cache = NewCache();
        Import(cache, new StoredResponse(KeyHash.Compute("legacy question"), Responses.Json("legacy answer"), createdAt: null, lastAccessed: null, timestamp: null, textLength: null));

        Clock.Advance(TimeSpan.FromDays(3650));

        Assert.Equal("legacy answer", Get(cache, "legacy question", Fresh(1)));
        CacheStatistics stats = Stats(cache, Fresh(1));
        Assert.Equal((0, 1), (stats.ExpiredEntries, stats.ActiveEntries));
        Assert.Equal(0, RemoveExpired(cache, Fresh(1)));
        CacheEntryInfo entry = Assert.Single(cache.ListEntries(Fresh(1), NullCacheLog.Instance));
        Assert.Equal((null, false), (entry.Expires, entry.IsExpired));
        Assert.Equal(Hashes("legacy question"), Export(cache).Select(stored => stored.Key.ToString()));
    }

    [ContractFact]
    public void Times_no_date_can_hold_are_unknown_so_they_never_expire_and_are_listed_empty()
    {
        ICacheBackend cache = NewCache();
        double milliseconds = NowSeconds * 1000;
        Import(cache, new StoredResponse(KeyHash.Compute("from another tool"), Responses.Json("answer"), milliseconds, milliseconds, timestamp: null, textLength: null));

        CacheEntryInfo entry = Assert.Single(cache.ListEntries(Fresh(1), NullCacheLog.Instance));

        Assert.Equal((null, null, null, false), (entry.Created, entry.LastAccessed, entry.Expires, entry.IsExpired));
        Assert.Equal(0, Stats(cache, Fresh(0)).ExpiredEntries);
        Assert.Equal("answer", Get(cache, "from another tool", Fresh(0)));
    }

    [ContractFact]
    public void A_ttl_that_reaches_past_the_last_date_lists_the_entry_as_never_expiring()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");

        CacheEntryInfo entry = Assert.Single(cache.ListEntries(Fresh(1e10), NullCacheLog.Instance));

        Assert.NotNull(entry.Created);
        Assert.Null(entry.Expires);
        Assert.False(entry.IsExpired);
    }

    [ContractFact]
    public void Statistics_count_expired_and_active_entries_without_removing_any()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "first", "1");
        Set(cache, "second", "2");
        Clock.Advance(TimeSpan.FromDays(5));
        Set(cache, "third", "3");
        Clock.Advance(TimeSpan.FromDays(3));

        CacheStatistics stats = Stats(cache);

        Assert.Equal((3, 2, 1), (stats.TotalEntries, stats.ExpiredEntries, stats.ActiveEntries));
        Assert.Equal(new[] { true, true, false }, cache.ListEntries(Default, NullCacheLog.Instance).Select(entry => entry.IsExpired));
        Assert.Equal(3, Stats(SameCacheElsewhere(cache), Fresh(30)).ActiveEntries);
    }

    [ContractFact]
    public void RemoveExpired_removes_exactly_the_entries_older_than_the_ttl_it_is_given_or_the_caches()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "first", "1");
        Clock.Advance(TimeSpan.FromDays(5));
        Set(cache, "second", "2");
        Clock.Advance(TimeSpan.FromDays(1));
        Set(cache, "third", "3");
        Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(1, RemoveExpired(cache));
        Assert.Equal(Hashes("second", "third"), Listed(cache));

        Assert.Equal(1, RemoveExpired(cache, Fresh(2.5)));
        Assert.Equal(Hashes("third"), Listed(SameCacheElsewhere(cache)));
        Assert.Null(Get(cache, "second", Fresh(30)));
    }

    [ContractFact]
    public void An_expired_entry_counts_as_a_miss()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");
        Clock.Advance(TimeSpan.FromDays(8));

        Get(cache, "question");

        CacheStatistics stats = Stats(cache);
        Assert.Equal((0L, 1L), (stats.Hits, stats.Misses));
    }
}
