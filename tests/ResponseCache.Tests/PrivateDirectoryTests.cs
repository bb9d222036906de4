using ResponseCache.Core;
using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Whoever can write to the cache directory, or to one above it, can replace the cached responses: such a directory
/// is refused before anything in it is read or written, as ssh refuses a ~/.ssh others can write. A sticky directory
/// (/tmp) is fine, as is one shared with a group on purpose (RESPONSECACHE_SHARED_PATHS).
/// </summary>
public sealed class PrivateDirectoryTests : CacheTestBase
{
    [UnixTheory]
    [InlineData(777)]
    [InlineData(770)]
    [InlineData(757)]
    public void A_cache_directory_others_can_write_is_refused_and_its_files_are_left_alone(int mode)
    {
        NewEngine().Set("question", Responses.Json("the owner's answer"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        UnixPermissions.SetMode(CacheDirectory, mode);

        DirectoryCache engine = NewEngine();
        var read = Assert.Throws<CacheDirectoryNotPrivateException>(() => engine.Get("question", Policy()));
        var write = Assert.Throws<CacheDirectoryNotPrivateException>(() => engine.Set("question", Responses.Json("changed"), Policy()));

        Assert.Contains($"'{CacheDirectory}' is writable by", read.Message);
        Assert.Contains($"chmod 700 '{CacheDirectory}'", read.Message);
        Assert.Equal(read.Message, write.Message);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
    }

    [UnixRootFact]
    public void A_cache_directory_another_user_owns_is_refused()
    {
        Directory.CreateDirectory(CacheDirectory);
        UnixPermissions.SetMode(CacheDirectory, 700);
        UnixPermissions.SetOwner(CacheDirectory, UnixPermissions.OtherUser);

        var refused = Assert.Throws<CacheDirectoryNotPrivateException>(() => NewEngine().Set("question", Responses.Json("answer"), Policy()));

        Assert.Contains($"'{CacheDirectory}' is owned by another user (uid {UnixPermissions.OtherUser})", refused.Message);
        Assert.Empty(FilesInCacheDirectory());
    }

    [UnixFact]
    public void A_directory_above_the_cache_that_others_can_write_is_refused()
    {
        string nested = Path.Combine(CacheDirectory, "inner");
        Directory.CreateDirectory(nested);
        UnixPermissions.SetMode(CacheDirectory, 777);

        var refused = Assert.Throws<CacheDirectoryNotPrivateException>(() => new DirectoryCache(nested, new DirectoryCacheOptions { Clock = Clock }).Get("question", Policy()));

        Assert.Contains($"'{CacheDirectory}' is writable by every user (mode 0777) and has no sticky bit", refused.Message);
        Assert.Contains($"chmod go-w '{CacheDirectory}'", refused.Message);
    }

    [UnixFact]
    public void A_missing_cache_directory_under_a_directory_others_can_write_is_refused_before_anything_is_written()
    {
        UnixPermissions.SetMode(OutsideDirectory, 777);

        Assert.Throws<CacheDirectoryNotPrivateException>(() => NewEngine().Set("question", Responses.Json("answer"), Policy()));

        Assert.Empty(FilesInCacheDirectory());
    }

    [UnixTheory]
    [InlineData(1777)]
    [InlineData(1770)]
    public void A_sticky_directory_that_others_can_write_is_accepted_as_tmp_is(int mode)
    {
        UnixPermissions.SetMode(OutsideDirectory, mode);

        NewEngine().Set("question", Responses.Json("answer"), Policy());

        Assert.Equal("answer", Responses.Text(NewEngine().Get("question", Policy())));
    }

    [LinuxTheory]
    [InlineData(700)]
    [InlineData(1777)]
    [InlineData(2750)]
    public void Without_statx_a_directory_reads_the_same_owner_and_mode_through_stat(int mode)
    {
        Directory.CreateDirectory(CacheDirectory);
        UnixPermissions.SetMode(CacheDirectory, mode);

        UnixFileStatus viaStatx = UnixFileStatus.Of(CacheDirectory)!.Value;
        UnixFileStatus viaStat = UnixFileStatus.OfThroughStat(CacheDirectory)!.Value;

        Assert.Equal(mode.ToString(), Convert.ToString(viaStat.Mode, 8));
        Assert.Equal(viaStatx.Mode, viaStat.Mode);
        Assert.Equal(viaStatx.Owner, viaStat.Owner);
    }
}
