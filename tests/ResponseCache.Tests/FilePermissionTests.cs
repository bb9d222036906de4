using ResponseCache.Core;
using ResponseCache.Core.Persistence;
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

/// <summary>
/// A cache shared with a group on purpose (RESPONSECACHE_SHARED_PATHS): what the engine creates there is the
/// group's too, 0660 and 0770, whatever the member's umask.
/// </summary>
[Collection(UmaskCollection.Name)]
public sealed class SharedCachePermissionTests : CacheTestBase
{
    [UnixFact]
    public void Files_and_directories_created_in_a_shared_cache_are_group_readable_and_writable()
    {
        string shared = Path.Combine(OutsideDirectory, "team");
        string cache = Path.Combine(shared, "cache");
        Directory.CreateDirectory(shared);
        UnixPermissions.SetMode(shared, 2770);
        using (SharedPaths("/elsewhere" + Path.PathSeparator + cache))
        using (UnixPermissions.Umask(002))
        {
            new DirectoryCache(cache, new DirectoryCacheOptions { Clock = Clock }).Set("question", Responses.Json("answer"), Policy());
        }

        Assert.Equal("2770", UnixPermissions.ModeOf(cache));
        Assert.Equal("660", UnixPermissions.ModeOf(Path.Combine(cache, "ai_responses.json")));
        Assert.Equal("660", UnixPermissions.ModeOf(Path.Combine(cache, "ai_responses.json.lock")));
    }

    [UnixFact]
    public void In_a_shared_cache_a_member_whose_umask_keeps_the_group_from_writing_still_creates_files_the_group_can_write()
    {
        string shared = Path.Combine(OutsideDirectory, "team");
        string cache = Path.Combine(shared, "cache");
        Directory.CreateDirectory(shared);
        UnixPermissions.SetMode(shared, 2770);
        using (SharedPaths(cache))
        using (UnixPermissions.Umask(022))
        {
            new DirectoryCache(cache, new DirectoryCacheOptions { Clock = Clock }).Set("question", Responses.Json("answer"), Policy());
        }

        Assert.Equal("2770", UnixPermissions.ModeOf(cache));
        Assert.Equal("660", UnixPermissions.ModeOf(Path.Combine(cache, "ai_responses.json")));
        Assert.Equal("660", UnixPermissions.ModeOf(Path.Combine(cache, "ai_responses.json.lock")));
    }

    [UnixTheory]
    [InlineData(770)]
    [InlineData(2775)]
    public void A_group_writable_cache_directory_is_accepted_only_when_listed_as_shared(int mode)
    {
        Directory.CreateDirectory(CacheDirectory);
        UnixPermissions.SetMode(CacheDirectory, mode);

        Assert.Throws<CacheDirectoryNotPrivateException>(() => NewEngine().Set("question", Responses.Json("answer"), Policy()));
        using (SharedPaths(CacheDirectory + "/"))
        {
            NewEngine().Set("question", Responses.Json("answer"), Policy());
        }
    }

    [UnixFact]
    public void A_shared_cache_directory_every_user_can_write_is_still_refused()
    {
        Directory.CreateDirectory(CacheDirectory);
        UnixPermissions.SetMode(CacheDirectory, 2777);

        using (SharedPaths(CacheDirectory))
        {
            var refused = Assert.Throws<CacheDirectoryNotPrivateException>(() => NewEngine().Set("question", Responses.Json("answer"), Policy()));
            Assert.Contains($"chmod o-w '{CacheDirectory}'", refused.Message);
        }
    }

    [UnixRootFact]
    public void A_shared_cache_directory_another_user_owns_is_accepted()
    {
        Directory.CreateDirectory(CacheDirectory);
        UnixPermissions.SetMode(CacheDirectory, 2770);
        UnixPermissions.SetOwner(CacheDirectory, UnixPermissions.OtherUser);

        using (SharedPaths(CacheDirectory))
        {
            NewEngine().Set("question", Responses.Json("answer"), Policy());
            Assert.Equal("answer", Responses.Text(NewEngine().Get("question", Policy())));
        }
    }

    private static IDisposable SharedPaths(string value)
    {
        string? previous = Environment.GetEnvironmentVariable(SharedCacheDirectories.Variable);
        Environment.SetEnvironmentVariable(SharedCacheDirectories.Variable, value);
        return new EnvironmentRestore(() => Environment.SetEnvironmentVariable(SharedCacheDirectories.Variable, previous));
    }

    private sealed class EnvironmentRestore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>Tests that change the process's umask, which every other test's files would get: they run on their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UmaskCollection
{
    public const string Name = "umask";
}
