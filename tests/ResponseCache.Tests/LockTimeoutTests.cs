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
        DirectoryCache engine = NewEngine(lockTimeout: s_shortTimeout);
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
    public void A_get_or_add_that_cannot_get_the_lock_returns_what_it_produced_with_a_warning_and_caches_nothing()
    {
        DirectoryCache engine = NewEngine(lockTimeout: s_shortTimeout);
        engine.Set("before", Responses.Json("kept"), Policy());

        byte[]? answer;
        using (HoldLock())
        {
            answer = engine.GetOrAdd("question", Policy(), refresh: false, () => Responses.Json("paid for"), Log);
        }

        Assert.Equal("paid for", Responses.Text(answer));
        Assert.Contains("was produced but not cached", Assert.Single(Log.Warnings));
        Assert.Null(NewEngine().Get("question", Policy()));
    }

    [Fact]
    public void Once_the_lock_is_released_the_next_set_succeeds()
    {
        DirectoryCache engine = NewEngine(lockTimeout: s_shortTimeout);
        Directory.CreateDirectory(CacheDirectory);
        using (HoldLock())
        {
            Assert.Throws<CacheLockTimeoutException>(() => engine.Set("question", Responses.Json("answer"), Policy()));
        }

        engine.Set("question", Responses.Json("answer"), Policy());

        Assert.True(CacheFileContent.Contains(CacheFile, "question"));
    }

    [Fact]
    public void Reads_while_another_holder_keeps_the_lock_are_served_without_waiting()
    {
        DirectoryCache reader = NewEngine(lockTimeout: s_shortTimeout);
        reader.Set("question", Responses.Json("answer"), Policy());
        NewEngine().Set("other", Responses.Json("other"), Policy());

        using (HoldLock())
        {
            Assert.Equal("other", Responses.Text(reader.Get("other", Policy())));
            Assert.Null(reader.Get("absent", Policy()));
            Assert.Equal(2, reader.GetStatistics(Policy()).TotalEntries);
            Assert.Equal(2, reader.ListEntries(Policy()).Count);
            Assert.Equal("answer", Responses.Text(NewEngine(lockTimeout: s_shortTimeout).Get("question", Policy())));
        }
    }

    [Fact]
    public void An_expired_entry_read_while_the_lock_is_held_is_a_miss_and_is_removed_once_the_lock_is_free()
    {
        DirectoryCache engine = NewEngine(lockTimeout: s_shortTimeout);
        engine.Configure(ttlDays: 1);
        engine.Set("old", Responses.Json("stale"), Policy(ttlDays: 1));
        Clock.Advance(TimeSpan.FromDays(2));

        using (HoldLock())
        {
            Assert.Null(engine.Get("old", Policy(ttlDays: 1)));
            Assert.True(CacheFileContent.Contains(CacheFile, "old"), "A read must not write while another process holds the lock.");
        }

        Assert.Null(engine.Get("old", Policy(ttlDays: 1)));

        Assert.False(CacheFileContent.Contains(CacheFile, "old"));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_opened_fails_at_once_with_a_storage_error_naming_it()
    {
        DirectoryCache engine = NewEngine();
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
        DirectoryCache engine = NewEngine(lockTimeout: s_shortTimeout);
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        Disk.Fail(fault, ".lock");

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("during", Responses.Json("lost"), Policy()));
        Disk.Heal();

        Assert.Equal(LockFile, error.Path);
        if (fault == FaultPoint.Read)
        {
            Assert.Equal(before, File.ReadAllBytes(CacheFile));
            Assert.Null(engine.Get("during", Policy()));
        }

        // The counters are written after the files (so a reader without the lock can tell a write finished): when
        // only that fails, the set is reported failed although its entry may be on disk; nothing before it is lost.
        engine.Set("after", Responses.Json("stored"), Policy());
        Assert.Equal("stored", Responses.Text(NewEngine(lockTimeout: s_shortTimeout).Get("after", Policy())));
        Assert.Equal("kept", Responses.Text(NewEngine(lockTimeout: s_shortTimeout).Get("before", Policy())));
    }
}
