using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Cached prompts and answers can be private: only the owner may read them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilePermissionTests : CacheTestBase
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [UnixFact]
    public void The_cache_directory_the_engine_creates_is_owner_only()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(CacheDirectory));
    }

    [UnixFact]
    public void The_cache_file_and_the_lock_file_are_owner_only()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());

        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(CacheFile));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(LockFile));
    }

    [UnixFact]
    public void The_journal_of_a_large_cache_is_owner_only()
    {
        DirectoryCache engine = LargeCache();

        engine.Set("one more", Responses.Json("answer"), Roomy);

        Assert.True(new FileInfo(JournalFile).Length > 0);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(JournalFile));
    }
}
