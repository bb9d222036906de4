using ResponseCache.Core;
using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Reads write nothing: a mistyped path stays uncreated, and a cache the user may only read is readable.</summary>
public sealed class ReadOnlyCacheTests : CacheTestBase
{
    [Fact]
    public void Reads_of_a_cache_that_does_not_exist_create_nothing()
    {
        DirectoryCache engine = NewEngine();

        Assert.Null(engine.Get("question", Policy()));
        Assert.Equal(0, engine.GetStatistics(Policy()).TotalEntries);
        Assert.Empty(engine.ListEntries(Policy()));
        engine.FlushAccessTimes();

        Assert.False(Directory.Exists(CacheDirectory));
    }

    [Fact]
    public void A_cache_this_user_may_only_read_serves_hits_misses_expiry_and_statistics()
    {
        DirectoryCache owner = NewEngine();
        owner.Set("old", Responses.Json("stale"), Policy(ttlDays: 1));
        Clock.Advance(TimeSpan.FromDays(2));
        owner.Set("question", Responses.Json("answer"), Policy(ttlDays: 1));
        byte[] before = File.ReadAllBytes(CacheFile);
        var reader = new DirectoryCache(CacheDirectory, new DirectoryCacheOptions { Clock = Clock, FileSystem = ReadOnlyFileSystem.Instance });

        Assert.Equal("answer", Responses.Text(reader.Get("question", Policy(ttlDays: 1))));
        Assert.Null(reader.Get("old", Policy(ttlDays: 1)));
        Assert.Null(reader.Get("absent", Policy(ttlDays: 1)));
        Assert.Equal(2, reader.GetStatistics(Policy(ttlDays: 1)).TotalEntries);
        Clock.Advance(DirectoryCacheOptions.DefaultAccessFlushInterval);
        Assert.Equal("answer", Responses.Text(reader.Get("question", Policy(ttlDays: 1))));
        reader.FlushAccessTimes();

        Assert.Equal(before, File.ReadAllBytes(CacheFile));
    }
}
