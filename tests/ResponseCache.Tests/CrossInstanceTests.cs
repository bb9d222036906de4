using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Two engines on one directory, as two processes would have.</summary>
public sealed class CrossInstanceTests : CacheTestBase
{
    [Fact]
    public void Each_instance_sees_what_the_other_stored()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();
        first.Get("warm up", Policy());
        second.Get("warm up", Policy());

        first.Set("from first", Responses.Json("1"), Policy());
        second.Set("from second", Responses.Json("2"), Policy());

        Assert.Equal("2", Responses.Text(first.Get("from second", Policy())));
        Assert.Equal("1", Responses.Text(second.Get("from first", Policy())));
    }

    [Fact]
    public void Alternating_writers_lose_nothing()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();

        for (int i = 0; i < 50; i++)
        {
            first.Set($"first {i}", Responses.Json($"f{i}"), Roomy);
            second.Set($"second {i}", Responses.Json($"s{i}"), Roomy);
        }

        Assert.Equal(100, CacheFileContent.Entries(CacheFile).Count);
        Assert.Equal(100, first.GetStatistics(Roomy).TotalEntries);
        Assert.Equal("f0", Responses.Text(second.Get("first 0", Roomy)));
    }

    [Fact]
    public void A_removal_in_one_instance_is_a_miss_in_the_other()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();
        first.Set("question", Responses.Json("answer"), Policy());
        Assert.NotNull(second.Get("question", Policy()));

        Assert.True(first.Remove("question"));

        Assert.Null(second.Get("question", Policy()));
    }

    [Fact]
    public void A_clear_in_one_instance_empties_the_other()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();
        first.Set("a", Responses.Json("1"), Policy());
        first.Set("b", Responses.Json("2"), Policy());
        Assert.Equal(2, second.GetStatistics(Policy()).TotalEntries);

        Assert.Equal(2, first.Clear());

        Assert.Equal(0, second.GetStatistics(Policy()).TotalEntries);
        Assert.Empty(CacheFileContent.Entries(CacheFile));
    }

    [Fact]
    public void Eviction_counts_entries_another_instance_stored()
    {
        ResponseCacheEngine first = NewEngine();
        ResponseCacheEngine second = NewEngine();
        first.Set("a", Responses.Json("1"), Policy(maxEntries: 2));
        Clock.Advance(TimeSpan.FromSeconds(1));
        first.Set("b", Responses.Json("2"), Policy(maxEntries: 2));
        Clock.Advance(TimeSpan.FromSeconds(1));

        second.Set("c", Responses.Json("3"), Policy(maxEntries: 2));

        Assert.Null(first.Get("a", Policy(maxEntries: 2)));
        Assert.Equal(new[] { "b", "c" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void A_same_length_rewrite_within_the_timestamp_granularity_is_seen_on_the_next_hit()
    {
        ResponseCacheEngine writer = NewEngine();
        ResponseCacheEngine reader = NewEngine();
        writer.Set("question", Responses.Json("answer A"), Policy());
        Assert.Equal("answer A", Responses.Text(reader.Get("question", Policy())));
        long length = new FileInfo(CacheFile).Length;
        DateTime written = File.GetLastWriteTimeUtc(CacheFile);

        // As on SMB and FAT shares: same size, and the new file's time falls in the old one's clock tick.
        writer.Set("question", Responses.Json("answer B"), Policy());
        File.SetLastWriteTimeUtc(CacheFile, written);
        Assert.Equal(length, new FileInfo(CacheFile).Length);

        Assert.Equal("answer B", Responses.Text(reader.Get("question", Policy())));
    }
}
