using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// ai_responses.json.module, the module's last snapshot kept beside the cache: a copy where hard links fail, and
/// harmless when it is missing, damaged, from elsewhere, or left behind by a crash (then the module knows only what
/// it knew without it).
/// </summary>
public sealed class ModuleSnapshotTests : CacheTestBase
{
    private string ModuleSnapshotFile => CacheFile + ".module";

    [PythonFact]
    public void Where_hard_links_fail_a_copy_still_keeps_the_modules_entries_over_a_stale_rewrite()
    {
        Disk.Fail(FaultPoint.CreateHardLink);
        Assert.Equal(new[] { "module 0", "module 1" }, EntriesAfterAStaleRewrite());
        Assert.True(File.Exists(ModuleSnapshotFile));
    }

    [PythonTheory]
    [InlineData("missing")]
    [InlineData("damaged")]
    [InlineData("from another cache")]
    public void Without_a_sound_module_snapshot_a_stale_rewrite_is_taken_as_it_is(string state)
    {
        List<string> kept = EntriesAfterAStaleRewrite(() =>
        {
            switch (state)
            {
                case "missing":
                    File.Delete(ModuleSnapshotFile);
                    break;
                case "damaged":
                    File.WriteAllText(ModuleSnapshotFile, "{\"3f\": {\"response\": ");
                    break;
                default:
                    File.WriteAllText(ModuleSnapshotFile, "{}");
                    break;
            }
        });

        Assert.Empty(kept);
        Assert.Empty(Log.Warnings);
    }

    [PythonFact]
    public void A_set_succeeds_when_the_module_snapshot_can_be_neither_linked_nor_copied()
    {
        Disk.Fail(FaultPoint.CreateHardLink);
        Disk.Fail(FaultPoint.CreateNew, ".module");

        Assert.Empty(EntriesAfterAStaleRewrite());
        Assert.False(File.Exists(ModuleSnapshotFile));
    }

    [Fact]
    public void A_removal_whose_process_died_after_the_rename_stays_done()
    {
        DirectoryCache engine = NewEngine();
        SetOneSecondApart(engine, Roomy, "older", "newer");
        bool crashed = false;
        Disk.AfterReplace = path =>
        {
            if (path == CacheFile && !crashed)
            {
                // The new snapshot is in place; the lock file does not name it yet.
                crashed = true;
                throw new IOException("The process was killed.");
            }
        };

        Assert.ThrowsAny<Exception>(() => engine.Remove("newer"));
        Disk.AfterReplace = null;

        Assert.True(crashed);
        DirectoryCache fresh = NewEngine();
        Assert.Null(fresh.Get("newer", Roomy));
        Assert.Equal(1, fresh.GetStatistics(Roomy).TotalEntries);
    }

    /// <summary>
    /// A long-lived reference loads the cache, the module stores two entries, then the reference sets one of its own
    /// from its old view; returns which of the module's entries a fresh engine serves afterwards.
    /// </summary>
    private List<string> EntriesAfterAStaleRewrite(Action? beforeTheRewrite = null)
    {
        ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "set", "seed", "s" });
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        DirectoryCache module = new(CacheDirectory, new DirectoryCacheOptions { Clock = SystemClock.Instance, FileSystem = Disk, FoldDelay = null });
        module.Set("module 0", Responses.Json("m"), Roomy, Log);
        module.Set("module 1", Responses.Json("m"), Roomy, Log);
        beforeTheRewrite?.Invoke();

        python.Run(new object?[] { "set", "from python", "p" });

        DirectoryCache fresh = new(CacheDirectory, new DirectoryCacheOptions { Clock = SystemClock.Instance, FileSystem = Disk, FoldDelay = null });
        Assert.Equal("p", Responses.Text(fresh.Get("from python", Roomy, Log)));
        return new[] { "module 0", "module 1" }.Where(key => fresh.Get(key, Roomy, Log) is not null).ToList();
    }
}
