using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>The caps and TTL belong to the cache: shared by every process, changed on purpose, evicted to at once.</summary>
public abstract partial class CacheContract
{
    [ContractFact]
    public void A_cache_never_configured_uses_the_reference_defaults()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");

        CacheConfiguration configuration = ConfigurationOf(cache);

        Assert.Equal((100, null, 7.0), (configuration.MaxEntries, configuration.MaxSizeMB, configuration.TtlDays));
        Assert.True(configuration.IsDefault);
    }

    [ContractFact]
    public void A_call_that_gives_no_caps_keeps_everything_a_larger_configured_cap_holds()
    {
        ICacheBackend cache = NewCache();
        cache.SetMany(Enumerable.Range(1, 300).Select(i => new KeyValuePair<string, byte[]>($"k{i}", Responses.Json($"v{i}"))).ToList(), Caps(maxEntries: 1000), NullCacheLog.Instance, CancellationToken.None);

        Set(cache, "new", "x");

        Assert.Equal(301, Stats(cache).TotalEntries);
    }

    [ContractFact]
    public void Configuring_changes_only_the_values_given_for_every_process_and_a_size_cap_of_zero_removes_the_cap()
    {
        ICacheBackend cache = NewCache();
        Configure(cache, maxEntries: 500, maxBytes: CacheConfiguration.BytesFromMB(2));

        Configure(cache, ttlDays: 1);
        Assert.Equal(new CacheConfiguration(500, CacheConfiguration.BytesFromMB(2), 1), ConfigurationOf(cache));
        Assert.Equal(new CacheConfiguration(500, CacheConfiguration.BytesFromMB(2), 1), ConfigurationOf(SameCacheElsewhere(cache)));

        Configure(cache, maxBytes: 0);
        Assert.Null(ConfigurationOf(cache).MaxSizeMB);
        Assert.Null(ConfigurationOf(SameCacheElsewhere(cache)).MaxSizeMB);
    }

    [ContractFact]
    public void Another_process_that_configures_the_cache_changes_what_this_one_evicts_to()
    {
        ICacheBackend console = NewCache();
        SetOneSecondApart(console, Default, "a", "b");

        Configure(SameCacheElsewhere(console), maxEntries: 2);
        Set(console, "c", "answer to c");

        Assert.Equal(Hashes("b", "c"), Listed(console));
        Assert.Equal(2, Stats(console).MaxEntries);
    }

    [ContractFact]
    public void Another_process_that_shortens_the_ttl_expires_what_this_one_reads_although_no_entry_changed()
    {
        ICacheBackend cache = NewCache();
        ICacheBackend reader = SameCacheElsewhere(cache);
        Set(cache, "question", "answer");
        Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal("answer", Get(reader, "question"));

        Configure(cache, ttlDays: 1);

        Assert.Null(Get(reader, "question"));
    }

    [ContractFact]
    public void Caps_a_call_gives_become_the_caches_for_every_later_call()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Caps(maxEntries: 3), "a", "b", "c");

        SetOneSecondApart(cache, Default, "d", "e");

        Assert.Equal(3, ConfigurationOf(SameCacheElsewhere(cache)).MaxEntries);
        Assert.Equal(Hashes("c", "d", "e"), Listed(cache));
    }

    [ContractFact]
    public void Caps_a_call_gives_that_evict_entries_warn_with_how_many_and_the_old_and_new_caps_and_raising_them_does_not()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, "a", "b", "c", "d", "e");
        var lowering = new RecordingLog();
        var raising = new RecordingLog();

        Set(cache, "f", Responses.Json("x"), Caps(maxEntries: 2), lowering);
        Set(cache, "g", Responses.Json("x"), Caps(maxEntries: 10), raising);

        string warning = Assert.Single(lowering.Warnings);
        Assert.Contains("Evicted the 3 least recently used entries", warning);
        Assert.Contains($"from {CacheConfiguration.Default} to {CacheConfiguration.Default.With(maxEntries: 2)}", warning);
        Assert.Empty(raising.Warnings);
    }

    [ContractFact]
    public void Lowering_a_cap_evicts_the_least_recently_used_at_once_and_a_preview_only_counts_them()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, "a", "b", "c", "d", "e");

        CacheConfigurationChange preview = Configure(cache, maxEntries: 2, ttlDays: 3, preview: true);
        Assert.Equal((3, 100, 2, 7.0, 3.0), (preview.Evicted, preview.Previous.MaxEntries, preview.Current.MaxEntries, preview.Previous.TtlDays, preview.Current.TtlDays));
        Assert.Equal(5, Listed(cache).Count);
        Assert.True(ConfigurationOf(SameCacheElsewhere(cache)).IsDefault);
        Assert.Equal(0L, Stats(cache).Evictions);

        CacheConfigurationChange change = Configure(cache, maxEntries: 2, ttlDays: 3);

        Assert.Equal(3, change.Evicted);
        Assert.Equal(Hashes("d", "e"), Listed(SameCacheElsewhere(cache)));
        Assert.Equal(new CacheConfiguration(2, null, 3), ConfigurationOf(SameCacheElsewhere(cache)));
        Assert.Equal(3L, Stats(cache).Evictions);
    }

    [ContractFact]
    public void A_preview_of_a_size_cap_counts_what_the_size_cap_would_evict()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, _ => Responses.OfSize(1000, 'x'), "a", "b", "c", "d");
        long twoEntries = cache.ListEntries(Default, NullCacheLog.Instance).Take(2).Sum(entry => entry.SizeBytes);

        CacheConfigurationChange preview = Configure(cache, maxBytes: twoEntries, preview: true);
        Assert.Equal(4, Listed(cache).Count);
        CacheConfigurationChange change = Configure(cache, maxBytes: twoEntries);

        Assert.Equal((2, 2), (preview.Evicted, change.Evicted));
        Assert.Equal(Hashes("c", "d"), Listed(cache));
    }
}
