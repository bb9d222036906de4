using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class StatisticsTests : CacheTestBase
{
    [Fact]
    public void Hits_misses_and_hit_ratio_count_each_lookup()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());

        engine.Get("question", Policy());
        engine.Get("question", Policy());
        engine.Get("question", Policy());
        engine.Get("unknown", Policy());

        CacheStatistics stats = engine.GetStatistics(Policy());
        Assert.Equal(3, stats.Hits);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(0.75, stats.HitRatio);
    }

    [Fact]
    public void The_hit_ratio_is_zero_before_any_lookup_and_storing_is_not_a_lookup()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());

        CacheStatistics stats = engine.GetStatistics(Policy());

        Assert.Equal(0, stats.Hits);
        Assert.Equal(0, stats.Misses);
        Assert.Equal(0, stats.HitRatio);
    }

    [Fact]
    public void Statistics_show_the_caches_configuration_and_the_file_they_describe()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("a", Responses.Json("1"), Policy());
        engine.Set("b", Responses.Json("2"), Policy());
        NewEngine().Configure(maxEntries: 42, maxBytes: CacheConfiguration.BytesFromMB(1.5), ttlDays: 2.5);

        CacheStatistics stats = engine.GetStatistics(CachePolicy.ForTtl(1));

        Assert.Equal(2, stats.TotalEntries);
        Assert.Equal((42, (double?)1.5, 2.5), (stats.MaxEntries, stats.MaxSizeMB, stats.TtlDays));
        Assert.Equal(CacheFile, stats.CacheFile);
        Assert.Equal(Math.Round(new FileInfo(CacheFile).Length / 1024.0, 2), stats.CacheSizeKB);
    }

    [Fact]
    public void Each_instance_counts_only_its_own_lookups()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();
        first.Set("question", Responses.Json("answer"), Policy());

        first.Get("question", Policy());
        second.Get("unknown", Policy());

        Assert.Equal((1, 0), (first.GetStatistics(Policy()).Hits, first.GetStatistics(Policy()).Misses));
        Assert.Equal((0, 1), (second.GetStatistics(Policy()).Hits, second.GetStatistics(Policy()).Misses));
        Assert.Equal(1, second.GetStatistics(Policy()).TotalEntries);
    }
}
