using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>Recency and the caps: least recently used entries go first, until both the entry cap and the size cap hold.</summary>
public abstract partial class CacheContract
{
    [ContractFact]
    public void Entries_are_listed_least_recently_used_first_and_a_hit_makes_an_entry_the_newest()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, "a", "b", "c");

        Get(cache, "a");

        Assert.Equal(Hashes("b", "c", "a"), Listed(cache));
    }

    [ContractFact]
    public void Entries_stored_at_one_instant_are_listed_in_the_order_they_were_written()
    {
        ICacheBackend cache = NewCache();

        cache.SetMany(new[] { "c", "a", "b" }.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json(key))).ToList(), Default, NullCacheLog.Instance, CancellationToken.None);
        Set(cache, "d", "d");

        Assert.Equal(Hashes("c", "a", "b", "d"), Listed(cache));
        Assert.Equal(Hashes("c", "a", "b", "d"), Listed(SameCacheElsewhere(cache)));
    }

    [ContractFact]
    public void A_hit_in_any_process_makes_an_entry_recent_so_the_least_recently_used_is_evicted_first()
    {
        ICacheBackend cache = NewCache();
        ICacheBackend reader = SameCacheElsewhere(cache);
        ICacheBackend writer = SameCacheElsewhere(cache);
        SetOneSecondApart(cache, Caps(maxEntries: 3), "a", "b", "c");

        Assert.Equal("answer to a", Get(reader, "a"));
        reader.Flush(NullCacheLog.Instance);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Set(writer, "d", "answer to d");

        Assert.Null(Get(cache, "b"));
        Assert.Equal(Hashes("c", "a", "d"), Listed(cache));
    }

    [ContractFact]
    public void Evictions_are_counted_in_the_statistics()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Caps(maxEntries: 10), "a", "b", "c", "d", "e");

        Set(cache, "f", "answer to f", Caps(maxEntries: 2));

        CacheStatistics stats = Stats(cache);
        Assert.Equal((4L, 2), (stats.Evictions, stats.TotalEntries));
        Assert.Equal(Hashes("e", "f"), Listed(cache));
        Assert.Equal(0L, Stats(SameCacheElsewhere(cache)).Evictions);
    }

    [ContractFact]
    public void An_entry_counts_its_response_and_a_fixed_overhead_against_the_size_cap()
    {
        ICacheBackend cache = NewCache();

        Set(cache, "small", Responses.OfSize(100));
        Set(cache, "large", Responses.OfSize(1000));

        Assert.Equal(new long[] { EntryOverheadBytes + 100, EntryOverheadBytes + 1000 }, cache.ListEntries(Default, NullCacheLog.Instance).Select(entry => entry.SizeBytes));
    }

    [ContractFact]
    public void The_size_cap_evicts_least_recently_used_entries_until_the_cache_fits()
    {
        const long EntryBytes = EntryOverheadBytes + 1000;
        ICacheBackend cache = NewCache();
        CachePolicy policy = Caps(maxBytes: (3 * EntryBytes) + (EntryBytes / 2));
        SetOneSecondApart(cache, policy, _ => Responses.OfSize(1000), "a", "b", "c");

        Get(cache, "a");
        Set(cache, "d", Responses.OfSize(1000), policy, Log);

        Assert.Null(Get(cache, "b"));
        Assert.Equal(Hashes("c", "a", "d"), Listed(cache));
        Assert.Equal(1L, Stats(cache).Evictions);
        Assert.True(cache.ListEntries(Default, NullCacheLog.Instance).Sum(entry => entry.SizeBytes) <= policy.MaxBytes);
        Assert.Empty(Log.Warnings);
    }

    [ContractFact]
    public void Eviction_continues_until_both_the_entry_cap_and_the_size_cap_hold()
    {
        const long EntryBytes = EntryOverheadBytes + 1000;
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Roomy, _ => Responses.OfSize(1000), "a", "b", "c", "d", "e");

        // The entry cap alone would keep four; the size cap allows only two.
        Set(cache, "f", Responses.OfSize(1000), Caps(maxEntries: 4, maxBytes: 2 * EntryBytes));

        Assert.Equal(Hashes("e", "f"), Listed(cache));
    }

    [ContractFact]
    public void The_entry_cap_evicts_even_when_the_size_cap_has_room()
    {
        ICacheBackend cache = NewCache();

        SetOneSecondApart(cache, Caps(maxEntries: 2, maxBytes: 1_000_000), _ => Responses.OfSize(100), "a", "b", "c");

        Assert.Equal(Hashes("b", "c"), Listed(cache));
    }

    [ContractFact]
    public void A_response_larger_than_the_whole_cap_is_still_cached_with_a_warning()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "small", Responses.OfSize(100));

        Set(cache, "huge", Responses.OfSize(5000), Caps(maxBytes: 1000), Log);

        Assert.NotNull(Get(cache, "huge"));
        Assert.Null(Get(cache, "small"));
        Assert.Equal(Hashes("huge"), Listed(SameCacheElsewhere(cache)));
        Assert.Contains("size cap", Assert.Single(Log.Warnings));
    }
}
