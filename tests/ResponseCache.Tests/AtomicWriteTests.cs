using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>A failing disk during a snapshot rewrite (a small cache: every set rewrites ai_responses.json).</summary>
public sealed class AtomicWriteTests : CacheTestBase
{
    public static TheoryData<FaultPoint> SnapshotFaults => new() { FaultPoint.CreateNew, FaultPoint.Write, FaultPoint.FlushToDisk, FaultPoint.Replace };

    private ResponseCacheEngine EngineWithTwoEntries()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("first", Responses.Json("one"), Policy());
        engine.Set("second", Responses.Json("two"), Policy());
        return engine;
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void A_failed_write_leaves_the_old_file_byte_identical_and_reports_a_storage_error(FaultPoint fault)
    {
        ResponseCacheEngine engine = EngineWithTwoEntries();
        byte[] before = File.ReadAllBytes(CacheFile);
        Disk.Fail(fault);

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));

        Assert.Equal(1, Disk.FaultsInjected);
        Assert.Equal(CacheFile, error.Path);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void After_a_failed_write_earlier_entries_still_hit_and_the_failed_one_is_a_miss(FaultPoint fault)
    {
        ResponseCacheEngine engine = EngineWithTwoEntries();
        Disk.Fail(fault);
        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));
        Disk.Heal();

        Assert.Equal("one", Responses.Text(engine.Get("first", Policy())));
        Assert.Equal("two", Responses.Text(engine.Get("second", Policy())));
        Assert.Null(engine.Get("third", Policy()));
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void A_failed_write_leaves_no_temp_file_behind(FaultPoint fault)
    {
        ResponseCacheEngine engine = EngineWithTwoEntries();
        Disk.Fail(fault);

        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));

        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Once_the_disk_has_room_again_the_next_set_stores_old_and_new_entries()
    {
        ResponseCacheEngine engine = EngineWithTwoEntries();
        Disk.Fail(FaultPoint.Write);
        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));
        Disk.Heal();

        engine.Set("fourth", Responses.Json("four"), Policy());

        Assert.Equal(new[] { "first", "second", "fourth" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void A_failed_removal_keeps_the_entry_on_disk_and_in_memory()
    {
        ResponseCacheEngine engine = EngineWithTwoEntries();
        Disk.Fail(FaultPoint.Replace);

        Assert.Throws<CacheStorageException>(() => engine.Remove("first"));
        Disk.Heal();

        Assert.True(CacheFileContent.Contains(CacheFile, "first"));
        Assert.Equal("one", Responses.Text(engine.Get("first", Policy())));
    }
}
