using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// A failing disk around ai_responses.json: its directory, reading it, and rewriting it (a small cache: every set
/// rewrites it through a temp file).
/// </summary>
public sealed class AtomicWriteTests : CacheTestBase
{
    public static TheoryData<FaultPoint, string> SnapshotFaults => new()
    {
        { FaultPoint.CreateNew, ".tmp" },
        { FaultPoint.Write, ".tmp" },
        { FaultPoint.FlushToDisk, ".tmp" },
        { FaultPoint.Replace, "ai_responses.json" },
    };

    private DirectoryCache EngineWithTwoEntries()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("first", Responses.Json("one"), Policy());
        engine.Set("second", Responses.Json("two"), Policy());
        return engine;
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void A_failed_write_leaves_the_old_file_byte_identical_and_reports_a_storage_error(FaultPoint fault, string file)
    {
        DirectoryCache engine = EngineWithTwoEntries();
        byte[] before = File.ReadAllBytes(CacheFile);
        Disk.Fail(fault, file);

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));

        Assert.Equal(1, Disk.FaultsInjected);
        Assert.Equal(CacheFile, error.Path);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void After_a_failed_write_earlier_entries_still_hit_and_the_failed_one_is_a_miss(FaultPoint fault, string file)
    {
        DirectoryCache engine = EngineWithTwoEntries();
        Disk.Fail(fault, file);
        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));
        Disk.Heal();

        Assert.Equal("one", Responses.Text(engine.Get("first", Policy())));
        Assert.Equal("two", Responses.Text(engine.Get("second", Policy())));
        Assert.Null(engine.Get("third", Policy()));
    }

    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void A_failed_write_leaves_no_temp_file_behind(FaultPoint fault, string file)
    {
        DirectoryCache engine = EngineWithTwoEntries();
        Disk.Fail(fault, file);

        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));

        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Once_the_disk_has_room_again_the_next_set_stores_old_and_new_entries()
    {
        DirectoryCache engine = EngineWithTwoEntries();
        Disk.Fail(FaultPoint.Write, ".tmp");
        Assert.Throws<CacheStorageException>(() => engine.Set("third", Responses.Json("three"), Policy()));
        Disk.Heal();

        engine.Set("fourth", Responses.Json("four"), Policy());

        Assert.Equal(new[] { "first", "second", "fourth" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void A_failed_removal_keeps_the_entry_on_disk_and_in_memory()
    {
        DirectoryCache engine = EngineWithTwoEntries();
        Disk.Fail(FaultPoint.Replace);

        Assert.Throws<CacheStorageException>(() => engine.Remove("first"));
        Disk.Heal();

        Assert.True(CacheFileContent.Contains(CacheFile, "first"));
        Assert.Equal("one", Responses.Text(engine.Get("first", Policy())));
    }

    [Fact]
    public void A_cache_directory_that_cannot_be_created_fails_the_set_with_a_storage_error_naming_it()
    {
        DirectoryCache engine = NewEngine();
        Disk.Fail(FaultPoint.CreateDirectory, kind: FaultKind.AccessDenied);

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("question", Responses.Json("answer"), Policy()));
        Disk.Heal();

        Assert.Equal(CacheDirectory, error.Path);
        Assert.True(error.IsAccessDenied);
        Assert.False(Directory.Exists(CacheDirectory));
        Assert.Null(engine.Get("question", Policy()));
    }

    [Fact]
    public void A_cache_file_that_cannot_be_read_is_neither_set_aside_nor_overwritten_by_a_set()
    {
        EngineWithTwoEntries();
        byte[] before = File.ReadAllBytes(CacheFile);
        DirectoryCache other = NewEngine();
        Disk.Fail(FaultPoint.ReadAllBytes, "ai_responses.json", FaultKind.AccessDenied);

        CacheStorageException setError = Assert.Throws<CacheStorageException>(() => other.Set("third", Responses.Json("three"), Policy(), Log));
        CacheStorageException getError = Assert.Throws<CacheStorageException>(() => other.Get("first", Policy(), Log));
        Disk.Heal();

        Assert.All(new[] { setError, getError }, error => Assert.Equal(CacheFile, error.Path));
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
        Assert.Empty(Log.Warnings);
        Assert.Equal("one", Responses.Text(other.Get("first", Policy())));
        Assert.Null(other.Get("third", Policy()));
    }
    [Theory]
    [MemberData(nameof(SnapshotFaults))]
    public void A_get_or_add_whose_write_fails_returns_what_it_produced_with_a_warning_and_caches_nothing(FaultPoint fault, string file)
    {
        // A user trial: with -ErrorAction Stop (a scheduled job's usual setting) the failed write was a terminating
        // error, and the answer already paid for was lost with it. The lock timeout and a Redis outage were warnings.
        DirectoryCache engine = EngineWithTwoEntries();
        Disk.Fail(fault, file);

        byte[]? answer = engine.GetOrAdd("third", Policy(), refresh: false, () => Responses.Json("paid for"), Log);

        Assert.Equal("paid for", Responses.Text(answer));
        Assert.Contains("was produced but not cached", Assert.Single(Log.Warnings), StringComparison.Ordinal);
        Disk.Heal();
        Assert.Null(engine.Get("third", Policy()));
    }

    [Theory]
    [InlineData(FaultKind.AccessDenied)]
    [InlineData(FaultKind.DiskFull)]
    public void A_get_or_add_on_a_cache_that_cannot_be_read_produces_without_it_with_a_warning(FaultKind kind)
    {
        // A user trial: on a shared cache this user could not read, get-or-add wrote an error and returned nothing,
        // without running the producer, where a Redis server out of reach produces without the cache.
        EngineWithTwoEntries();
        DirectoryCache engine = NewEngine();
        Disk.Fail(FaultPoint.ReadAllBytes, "ai_responses.json", kind);
        int runs = 0;

        byte[]? answer = engine.GetOrAdd("first", Policy(), refresh: false, () => Responses.Json("produced " + ++runs), Log);

        Assert.Equal("produced 1", Responses.Text(answer));
        Assert.Contains("the response is produced without the cache", Assert.Single(Log.Warnings), StringComparison.Ordinal);
        Disk.Heal();
        Assert.Equal("one", Responses.Text(NewEngine().Get("first", Policy())));
    }
}
