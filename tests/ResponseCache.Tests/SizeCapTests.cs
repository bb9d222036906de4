using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class SizeCapTests : CacheTestBase
{
    // What one entry with a 1,000-byte response counts against the size cap (CacheEntryInfo.SizeBytes).
    private long EntryBytes()
    {
        ResponseCacheEngine probe = NewEngine();
        probe.Set("probe", Responses.OfSize(1000), Roomy);
        long size = probe.ListEntries(Roomy).Single().SizeBytes;
        probe.Clear();
        return size;
    }

    [Fact]
    public void The_size_cap_evicts_least_recently_used_entries_until_the_cache_fits()
    {
        long entryBytes = EntryBytes();
        ResponseCacheEngine engine = NewEngine();
        CachePolicy policy = Policy(maxEntries: 100, maxBytes: (3 * entryBytes) + (entryBytes / 2));
        SetOneSecondApart(engine, policy, _ => Responses.OfSize(1000), "a", "b", "c");

        engine.Get("a", policy);
        engine.Set("d", Responses.OfSize(1000), policy);

        Assert.Null(engine.Get("b", policy));
        Assert.Equal(3, engine.GetStatistics(policy).TotalEntries);
        Assert.Equal(1, engine.GetStatistics(policy).Evictions);
        Assert.True(engine.ListEntries(policy).Sum(entry => entry.SizeBytes) <= policy.MaxBytes);
    }

    [Fact]
    public void Eviction_continues_until_both_the_entry_cap_and_the_size_cap_hold()
    {
        long entryBytes = EntryBytes();
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Roomy, _ => Responses.OfSize(1000), "a", "b", "c", "d", "e");

        // The entry cap alone would keep four; the size cap allows only two.
        engine.Set("f", Responses.OfSize(1000), Policy(maxEntries: 4, maxBytes: 2 * entryBytes));

        string[] left = CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "e", "f" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), left);
    }

    [Fact]
    public void The_entry_cap_evicts_even_when_the_size_cap_has_room()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Policy(maxEntries: 2, maxBytes: 1_000_000), _ => Responses.OfSize(100), "a", "b", "c");

        Assert.Equal(new[] { "b", "c" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void A_response_larger_than_the_whole_cap_is_still_cached_with_a_warning()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("small", Responses.OfSize(100), Roomy);

        engine.Set("huge", Responses.OfSize(5000), Policy(maxBytes: 1000), Log);

        Assert.NotNull(engine.Get("huge", Policy(maxBytes: 1000)));
        Assert.Null(engine.Get("small", Policy(maxBytes: 1000)));
        string warning = Assert.Single(Log.Warnings);
        Assert.Contains("size cap", warning);
    }
}
