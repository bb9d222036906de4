using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Two engines on one directory, as two processes would have.</summary>
public sealed class CrossInstanceTests : CacheTestBase
{
    [Fact]
    public void Alternating_writers_lose_nothing()
    {
        DirectoryCache first = NewEngine();
        DirectoryCache second = NewEngine();

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
    public void A_same_length_rewrite_within_the_timestamp_granularity_is_seen_on_the_next_hit()
    {
        DirectoryCache writer = NewEngine();
        DirectoryCache reader = NewEngine();
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
