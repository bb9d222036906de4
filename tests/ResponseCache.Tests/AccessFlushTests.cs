using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class AccessFlushTests : CacheTestBase
{
    private double LastAccessedOnDisk(string key) => CacheFileContent.Entry(CacheFile, key).GetProperty("last_accessed").GetDouble();

    [Fact]
    public void Hits_do_not_write_the_file_before_the_flush_interval_has_passed()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        Clock.Advance(TimeSpan.FromSeconds(10));
        engine.Get("question", Policy());
        Clock.Advance(TimeSpan.FromSeconds(19));
        engine.Get("question", Policy());

        before.AssertUntouched();
    }

    [Fact]
    public void The_first_hit_after_the_flush_interval_writes_the_access_times()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        double created = Clock.UnixSeconds;

        Clock.Advance(TimeSpan.FromSeconds(30));
        engine.Get("question", Policy());

        Assert.Equal(created + 30, LastAccessedOnDisk("question"), precision: 3);
    }

    [Fact]
    public void FlushAccessTimes_writes_hits_still_held_in_memory()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        double created = Clock.UnixSeconds;
        Clock.Advance(TimeSpan.FromSeconds(5));
        engine.Get("question", Policy());
        Assert.Equal(created, LastAccessedOnDisk("question"), precision: 3);

        engine.FlushAccessTimes();

        Assert.Equal(created + 5, LastAccessedOnDisk("question"), precision: 3);
    }

    [Fact]
    public void FlushAccessTimes_without_pending_hits_leaves_the_file_alone()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        engine.Get("unknown", Policy());
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        engine.FlushAccessTimes();

        before.AssertUntouched();
    }

    [Fact]
    public void A_set_also_writes_the_access_times_of_earlier_hits()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        double created = Clock.UnixSeconds;
        Clock.Advance(TimeSpan.FromSeconds(5));
        engine.Get("question", Policy());

        engine.Set("other", Responses.Json("other answer"), Policy());

        Assert.Equal(created + 5, LastAccessedOnDisk("question"), precision: 3);
    }

    [Fact]
    public void A_hit_held_in_memory_is_written_after_another_instance_rewrote_the_file()
    {
        DirectoryCache first = NewEngine();
        first.Set("a", Responses.Json("A"), Policy());
        first.Set("b", Responses.Json("B"), Policy());
        Clock.Advance(TimeSpan.FromSeconds(10));
        double hitTime = Clock.UnixSeconds;
        first.Get("a", Policy());
        Clock.Advance(TimeSpan.FromSeconds(1));

        NewEngine().Set("c", Responses.Json("C"), Policy());
        first.FlushAccessTimes();

        Assert.Equal(hitTime, LastAccessedOnDisk("a"));
    }

    [Fact]
    public void A_hit_held_in_memory_does_not_bring_back_an_entry_another_instance_removed()
    {
        DirectoryCache first = NewEngine();
        first.Set("a", Responses.Json("A"), Policy());
        first.Set("b", Responses.Json("B"), Policy());
        first.Get("a", Policy());

        NewEngine().Remove("a");
        first.FlushAccessTimes();

        Assert.False(CacheFileContent.Contains(CacheFile, "a"));
        Assert.Null(first.Get("a", Policy()));
    }
}
