using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>The cross-process lock: held by another, or its file refused by the disk.</summary>
public sealed class LockTimeoutTests : CacheTestBase
{
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(200);

    private FileStream HoldLock() => new(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    [Fact]
    public void A_set_while_another_holder_keeps_the_lock_times_out_and_changes_nothing()
    {
        ResponseCacheEngine engine = NewEngine(lockTimeout: s_shortTimeout);
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);

        using (HoldLock())
        {
            CacheLockTimeoutException error = Assert.Throws<CacheLockTimeoutException>(() => engine.Set("during", Responses.Json("lost"), Policy()));
            Assert.Equal(LockFile, error.LockPath);
        }

        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("during", Policy()));
        Assert.Equal("kept", Responses.Text(engine.Get("before", Policy())));
    }

    [Fact]
    public void Once_the_lock_is_released_the_next_set_succeeds()
    {
        ResponseCacheEngine engine = NewEngine(lockTimeout: s_shortTimeout);
        Directory.CreateDirectory(CacheDirectory);
        using (HoldLock())
        {
            Assert.Throws<CacheLockTimeoutException>(() => engine.Set("question", Responses.Json("answer"), Policy()));
        }

        engine.Set("question", Responses.Json("answer"), Policy());

        Assert.True(CacheFileContent.Contains(CacheFile, "question"));
    }

    [Fact]
    public void A_lookup_on_a_file_another_instance_changed_waits_for_the_lock_and_times_out()
    {
        ResponseCacheEngine reader = NewEngine(lockTimeout: s_shortTimeout);
        reader.Set("question", Responses.Json("answer"), Policy());
        NewEngine().Set("other", Responses.Json("other"), Policy());

        using (HoldLock())
        {
            Assert.Throws<CacheLockTimeoutException>(() => reader.Get("other", Policy()));
        }

        Assert.Equal("other", Responses.Text(reader.Get("other", Policy())));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_opened_fails_at_once_with_a_storage_error_naming_it()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        Disk.Fail(FaultPoint.OpenExclusive, ".lock", FaultKind.AccessDenied);

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("during", Responses.Json("lost"), Policy()));
        Disk.Heal();

        Assert.Equal(LockFile, error.Path);
        Assert.True(error.IsAccessDenied);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("during", Policy()));
        Assert.Equal("kept", Responses.Text(engine.Get("before", Policy())));
    }

    [Theory]
    [InlineData(FaultPoint.Read)]
    [InlineData(FaultPoint.Write)]
    public void A_lock_file_whose_counters_cannot_be_read_or_written_fails_the_set_loses_nothing_and_frees_the_lock(FaultPoint fault)
    {
        ResponseCacheEngine engine = NewEngine(lockTimeout: s_shortTimeout);
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        Disk.Fail(fault, ".lock");

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("during", Responses.Json("lost"), Policy()));
        Disk.Heal();

        Assert.Equal(LockFile, error.Path);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("during", Policy()));
        engine.Set("after", Responses.Json("stored"), Policy());
        Assert.Equal("stored", Responses.Text(NewEngine(lockTimeout: s_shortTimeout).Get("after", Policy())));
        Assert.Equal("kept", Responses.Text(NewEngine(lockTimeout: s_shortTimeout).Get("before", Policy())));
    }
}
