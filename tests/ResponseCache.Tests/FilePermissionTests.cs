using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Cached prompts and answers can be private: only the owner may read them, and every file and directory the engine
/// creates has its final mode from the create call on, whatever the umask. The umask is the process's, so these tests
/// run alone (<see cref="UmaskCollection"/>).
/// </summary>
[Collection(UmaskCollection.Name)]
public sealed class FilePermissionTests : CacheTestBase
{
    [UnixTheory]
    [InlineData(000)]
    [InlineData(022)]
    public void Every_directory_the_engine_creates_is_owner_only(int umask)
    {
        string nested = Path.Combine(CacheDirectory, "team", "project");
        var engine = new DirectoryCache(nested, new DirectoryCacheOptions { Clock = Clock });

        using (UnixPermissions.Umask(umask))
        {
            engine.Set("question", Responses.Json("answer"), Policy());
        }

        Assert.Equal("700", UnixPermissions.ModeOf(CacheDirectory));
        Assert.Equal("700", UnixPermissions.ModeOf(Path.Combine(CacheDirectory, "team")));
        Assert.Equal("700", UnixPermissions.ModeOf(nested));
    }

    [UnixTheory]
    [InlineData(000)]
    [InlineData(022)]
    public void Every_file_the_engine_creates_is_owner_only(int umask)
    {
        DirectoryCache engine = NewEngine();
        using (UnixPermissions.Umask(umask))
        {
            engine.Set("question", Responses.Json("answer"), Policy());
            engine.Configure(maxEntries: 1000);
            engine.Configure(maxEntries: 2000);
        }

        string[] files = Directory.GetFiles(CacheDirectory);
        Assert.Contains(CacheFile, files);
        Assert.Contains(LockFile, files);
        Assert.Contains(engine.SettingsFilePath, files);
        Assert.Contains(engine.SettingsFilePath + ".last-good", files);
        Assert.All(files, file => Assert.Equal("600", UnixPermissions.ModeOf(file)));
    }

    [UnixTheory]
    [InlineData(000)]
    [InlineData(022)]
    public void The_journal_of_a_large_cache_is_owner_only(int umask)
    {
        DirectoryCache engine = LargeCache();

        using (UnixPermissions.Umask(umask))
        {
            engine.Set("one more", Responses.Json("answer"), Roomy);
        }

        Assert.True(new FileInfo(JournalFile).Length > 0);
        Assert.Equal("600", UnixPermissions.ModeOf(JournalFile));
    }
}

/// <summary>Tests that change the process's umask, which every other test's files would get: they run on their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UmaskCollection
{
    public const string Name = "umask";
}
