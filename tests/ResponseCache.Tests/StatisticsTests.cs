using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>What the directory's statistics say of its file. The counting rules themselves are in Contract/CacheContract.Entries.cs.</summary>
public sealed class StatisticsTests : CacheTestBase
{
    [Fact]
    public void Statistics_name_the_cache_file_and_give_its_size_on_disk()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("a", Responses.Json("1"), Policy());
        engine.Set("b", Responses.Json("2"), Policy());

        CacheStatistics stats = engine.GetStatistics(CachePolicy.ForTtl(1));

        Assert.Equal((CacheFile, CacheFile), (stats.CacheFile, stats.Location));
        Assert.Equal(Math.Round(new FileInfo(CacheFile).Length / 1024.0, 2), stats.CacheSizeKB);
        Assert.Null(stats.SharedHits);
    }
}
