using ResponseCache.Core;
using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Reads write nothing, nor do removals where there is no cache: a mistyped path stays uncreated, and a cache the user
/// may only read is readable.
/// </summary>
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

    [Theory]
    [InlineData(nameof(DirectoryCache.Clear))]
    [InlineData(nameof(DirectoryCache.RemoveExpired))]
    [InlineData(nameof(DirectoryCache.RemoveMany))]
    [InlineData(nameof(DirectoryCache.RemoveTagged))]
    public void A_removal_where_no_directory_exists_creates_nothing_and_says_there_is_no_cache(string removal)
    {
        DirectoryCache engine = NewEngine();

        Assert.Equal(0, Remove(engine, removal));

        Assert.False(Directory.Exists(CacheDirectory));
        Assert.Equal(new[] { NoCacheWarning(engine) }, Log.Warnings);
    }

    /// <summary>A lock file alone holds no entries: an earlier version's removal on a mistyped path left one.</summary>
    [Theory]
    [InlineData(nameof(DirectoryCache.Clear))]
    [InlineData(nameof(DirectoryCache.RemoveExpired))]
    [InlineData(nameof(DirectoryCache.RemoveMany))]
    [InlineData(nameof(DirectoryCache.RemoveTagged))]
    public void A_removal_in_a_directory_without_cache_files_leaves_it_as_it_was(string removal)
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(Path.Combine(CacheDirectory, "notes.txt"), "another program's file");
        File.WriteAllBytes(LockFile, Array.Empty<byte>());
        DirectoryCache engine = NewEngine();

        Assert.Equal(0, Remove(engine, removal));

        Assert.Equal(new[] { "ai_responses.json.lock", "notes.txt" }, Directory.GetFiles(CacheDirectory).Select(Path.GetFileName).OrderBy(name => name, StringComparer.Ordinal));
        Assert.Equal(new[] { NoCacheWarning(engine) }, Log.Warnings);
    }

    [Fact]
    public void A_removal_from_a_cache_that_is_configured_but_empty_writes_nothing_and_warns_of_nothing()
    {
        NewEngine().Configure(maxEntries: 10);
        string[] before = Directory.GetFiles(CacheDirectory);
        DirectoryCache engine = NewEngine();

        Assert.Equal(0, engine.Clear(Log));

        Assert.Equal(before, Directory.GetFiles(CacheDirectory));
        Assert.Empty(Log.Warnings);
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

    private int Remove(DirectoryCache engine, string removal) => removal switch
    {
        nameof(DirectoryCache.Clear) => engine.Clear(Log),
        nameof(DirectoryCache.RemoveExpired) => engine.RemoveExpired(Policy(), Log),
        nameof(DirectoryCache.RemoveTagged) => engine.RemoveTagged(new[] { "release-1" }, Log),
        _ => engine.RemoveMany(new[] { KeyHash.Compute("question") }, Log),
    };

    private static string NoCacheWarning(DirectoryCache engine) => DirectoryCache.NothingToRemove(engine.Directory);
}
