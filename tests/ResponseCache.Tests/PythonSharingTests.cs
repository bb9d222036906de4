using System.Text.Json.Nodes;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Sharing a cache with the Python reference at any size (issue 21): what one side writes, the other keeps. The
/// engines here run on the machine's clock, as the reference does, so both sides agree which entry is older.
/// </summary>
public sealed class PythonSharingTests : CacheTestBase
{
    /// <summary>The reference's default max_entries, and its default entry size in the reproduction.</summary>
    private const int ReferenceCap = 100;

    private static readonly CachePolicy ReferenceSized = Policy(maxEntries: ReferenceCap);

    [PythonFact]
    public void A_get_by_a_fresh_reference_process_keeps_the_modules_set_and_its_eviction()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine();
        module.Set("ps-1", Responses.Json("from the module"), ReferenceSized);
        Assert.True(JournalLength > 0, "The module's set should be in the journal of a cache this large.");

        ReferenceCacheManager.Run(CacheDirectory, ReferenceCap, 7, new object?[] { "get", SeedKey(50) });

        Assert.Equal("from the module", Responses.Text(module.Get("ps-1", ReferenceSized)));
        Assert.Null(module.Get(SeedKey(0), ReferenceSized));
        DirectoryCache fresh = SharingEngine();
        Assert.Equal("from the module", Responses.Text(fresh.Get("ps-1", ReferenceSized)));
        Assert.Null(fresh.Get(SeedKey(0), ReferenceSized));
        Assert.Equal(ReferenceCap, fresh.GetStatistics(ReferenceSized).TotalEntries);
    }

    [PythonFact]
    public void Rounds_of_module_and_reference_writers_each_see_all_of_the_others_entries()
    {
        SeedFromReference(ReferenceCap);
        var moduleKeys = new List<string>();
        var referenceKeys = new List<string>();
        for (int round = 0; round < 3; round++)
        {
            DirectoryCache module = SharingEngine();
            string[] keys = Enumerable.Range(0, 10).Select(i => $"module {round}-{i}").ToArray();
            module.SetMany(keys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.OfSize(3000, 'm'))).ToList(), ReferenceSized);
            moduleKeys.AddRange(keys);
            module.Flush();

            // A fresh reference process: what it finds of the module's entries, then its own ten.
            object?[][] ops = moduleKeys.Select(key => new object?[] { "get", key })
                .Concat(Enumerable.Range(0, 10).Select(i => new object?[] { "set", $"python {round}-{i}", new string('p', 3000) }))
                .ToArray();
            JsonArray results = ReferenceCacheManager.Run(CacheDirectory, ReferenceCap, 7, ops);
            Assert.Equal(moduleKeys.Count, results.Take(moduleKeys.Count).Count(result => result is not null));
            referenceKeys.AddRange(Enumerable.Range(0, 10).Select(i => $"python {round}-{i}"));
        }

        DirectoryCache last = SharingEngine();
        Assert.All(moduleKeys, key => Assert.NotNull(last.Get(key, ReferenceSized)));
        Assert.All(referenceKeys, key => Assert.NotNull(last.Get(key, ReferenceSized)));
    }

    [PythonFact]
    public void A_reference_write_made_while_the_module_writes_its_snapshot_is_kept()
    {
        DirectoryCache module = SharingEngine();
        module.Set("first", Responses.Json("one"), Roomy);
        bool referenceWrote = false;
        Disk.AfterFlushToDisk = path =>
        {
            if (path.EndsWith(".tmp", StringComparison.Ordinal) && !referenceWrote)
            {
                referenceWrote = true;
                ReferenceCacheManager.Run(CacheDirectory, new object?[] { "set", "from python", "kept" });
            }
        };

        module.Set("second", Responses.Json("two"), Roomy);
        Disk.AfterFlushToDisk = null;

        Assert.True(referenceWrote);
        JsonArray seen = ReferenceCacheManager.Run(CacheDirectory, new object?[] { "get", "from python" }, new object?[] { "get", "second" }, new object?[] { "get", "first" });
        Assert.Equal(new[] { "kept", "two", "one" }, seen.Select(result => (string?)result));
        Assert.Equal("kept", Responses.Text(module.Get("from python", Roomy)));
    }

    [PythonFact]
    public void The_references_own_evictions_stay_done_when_the_modules_changes_are_applied_again()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine();
        module.Set("ps-1", Responses.Json("from the module"), Roomy);

        // The reference, at its cap, evicts its least recent entry to make room for its own.
        ReferenceCacheManager.Run(CacheDirectory, ReferenceCap, 7, new object?[] { "set", "from python", "kept" });

        DirectoryCache fresh = SharingEngine();
        Assert.Null(fresh.Get(SeedKey(0), Roomy));
        Assert.Equal("kept", Responses.Text(fresh.Get("from python", Roomy)));
        Assert.Equal("from the module", Responses.Text(fresh.Get("ps-1", Roomy)));
        Assert.Equal(ReferenceCap + 1, fresh.GetStatistics(Roomy).TotalEntries);
        Assert.Equal(fresh.GetStatistics(Roomy).TotalEntries, module.GetStatistics(Roomy).TotalEntries);
    }

    [PythonFact]
    public void A_key_the_reference_stored_after_the_module_keeps_the_references_response()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine();
        module.Set("both", Responses.Json("older, from the module"), Roomy);

        ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "set", "both", "newer, from python" });

        Assert.Equal("newer, from python", Responses.Text(module.Get("both", Roomy)));
        Assert.Equal("newer, from python", Responses.Text(SharingEngine().Get("both", Roomy)));
    }

    [PythonFact]
    public void The_reference_sees_a_journaled_set_once_the_background_fold_has_run()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine(foldDelay: TimeSpan.Zero);

        module.Set("ps-1", Responses.Json("from the module"), Roomy);

        // No flush and no further call: only the timer can empty the journal.
        Assert.True(SpinWait.SpinUntil(() => JournalLength == 0, TimeSpan.FromSeconds(30)), "The journal was not folded in the background.");
        JsonArray seen = ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "get", "ps-1" }, new object?[] { "stats" });
        Assert.Equal("from the module", (string?)seen[0]);
        Assert.Equal(ReferenceCap + 1, (int)seen[1]!["total_entries"]!);
    }

    [PythonFact]
    public void A_fold_the_process_owes_at_exit_puts_every_journaled_entry_in_the_snapshot()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine();
        module.SetMany(Enumerable.Range(0, 50).Select(i => new KeyValuePair<string, byte[]>($"module {i}", Responses.OfSize(3000, 'm'))).ToList(), Roomy);
        Assert.True(JournalLength > 0, "The sets should have returned before any fold.");
        Assert.Equal(ReferenceCap, (int)ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "stats" })[0]!["total_entries"]!);

        module.Flush();

        Assert.Equal(0, JournalLength);
        Assert.Equal(ReferenceCap + 50, (int)ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "stats" })[0]!["total_entries"]!);
    }

    [PythonFact]
    public void Statistics_count_what_the_reference_counts_beside_what_the_module_serves()
    {
        SeedFromReference(ReferenceCap);
        DirectoryCache module = SharingEngine();
        module.SetMany(Enumerable.Range(0, 50).Select(i => new KeyValuePair<string, byte[]>($"module {i}", Responses.OfSize(3000, 'm'))).ToList(), Roomy);

        CacheStatistics stats = module.GetStatistics(Roomy);
        JsonNode reference = ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "stats" })[0]!;

        Assert.Equal(ReferenceCap + 50, stats.TotalEntries);
        Assert.Equal((int)reference["total_entries"]!, stats.FileEntries);
        module.Flush();
        Assert.Equal(ReferenceCap + 50, module.GetStatistics(Roomy).FileEntries);
    }

    [PythonFact]
    public void Statistics_warn_when_another_program_rewrote_the_cache_with_fewer_entries_than_its_cap()
    {
        DirectoryCache module = SharingEngine();
        CachePolicy capOf50 = Policy(maxEntries: 50);
        SetOneSecondApart(module, capOf50, Enumerable.Range(0, 20).Select(i => $"module {i}").ToArray());
        _ = module.GetStatistics(capOf50, Log);
        Assert.Empty(Log.Warnings);

        // The reference with a cap of 10 evicts down to it as it stores its own entry.
        ReferenceCacheManager.Run(CacheDirectory, 10, 7, new object?[] { "set", "from python", "kept" });

        var log = new RecordingLog();
        CacheStatistics stats = SharingEngine().GetStatistics(capOf50, log);
        Assert.Equal(10, stats.TotalEntries);
        string warning = Assert.Single(log.Warnings);
        Assert.Contains("rewritten by another program", warning);
        Assert.Contains("10 entries", warning);
        Assert.Contains("max_entries=50", warning);
    }

    [PythonFact]
    public void Statistics_do_not_warn_of_a_lower_cap_after_the_other_program_cleared_the_cache()
    {
        DirectoryCache module = SharingEngine();
        CachePolicy capOf50 = Policy(maxEntries: 50);
        SetOneSecondApart(module, capOf50, Enumerable.Range(0, 5).Select(i => $"module {i}").ToArray());

        ReferenceCacheManager.Run(CacheDirectory, 50, 7, new object?[] { "clear" });

        var log = new RecordingLog();
        Assert.Equal(0, SharingEngine().GetStatistics(capOf50, log).TotalEntries);
        Assert.Empty(log.Warnings);
    }

    [PythonFact]
    public void Statistics_do_not_warn_when_the_other_programs_rewrite_holds_as_many_entries_as_the_cap()
    {
        DirectoryCache module = SharingEngine();
        CachePolicy capOf10 = Policy(maxEntries: 10);
        SetOneSecondApart(module, capOf10, Enumerable.Range(0, 10).Select(i => $"module {i}").ToArray());

        ReferenceCacheManager.Run(CacheDirectory, 10, 7, new object?[] { "set", "from python", "kept" });

        var log = new RecordingLog();
        Assert.Equal(10, SharingEngine().GetStatistics(capOf10, log).TotalEntries);
        Assert.Empty(log.Warnings);
    }

    [PythonFact]
    public void A_reference_write_from_a_copy_it_loaded_before_the_modules_last_write_keeps_the_modules_entry()
    {
        DirectoryCache module = SharingEngine();
        module.Set("first", Responses.Json("one"), Roomy);
        string staleCopy = Path.Combine(OutsideDirectory, "loaded earlier");
        Directory.CreateDirectory(staleCopy);
        File.Copy(CacheFile, Path.Combine(staleCopy, "ai_responses.json"));

        module.Set("second", Responses.Json("two"), Roomy);

        // What a reference process that loaded before that set writes after it: its copy plus its own entry, renamed into place.
        ReferenceCacheManager.Run(staleCopy, new object?[] { "set", "from python", "kept" });
        File.Copy(Path.Combine(staleCopy, "ai_responses.json"), CacheFile + ".python.tmp");
        File.Delete(CacheFile);
        File.Move(CacheFile + ".python.tmp", CacheFile);

        Assert.Equal("two", Responses.Text(module.Get("second", Roomy)));
        JsonArray seen = ReferenceCacheManager.Run(CacheDirectory, new object?[] { "get", "second" }, new object?[] { "get", "from python" }, new object?[] { "get", "first" });
        Assert.Equal(new[] { "two", "kept", "one" }, seen.Select(result => (string?)result));
    }

    [PythonFact]
    public void A_long_lived_reference_that_loaded_before_the_modules_writes_keeps_them_when_it_sets_on_a_small_cache() =>
        LongLivedReferenceSetsAfterTheModulesWritesWereFolded(seeded: 1);

    [PythonFact]
    public void A_long_lived_reference_that_loaded_before_the_modules_writes_keeps_them_when_it_sets_on_a_large_cache() =>
        LongLivedReferenceSetsAfterTheModulesWritesWereFolded(seeded: ReferenceCap);

    [PythonFact]
    public void A_long_lived_reference_and_the_module_writing_at_the_same_time_keep_every_entry_of_both()
    {
        SeedFromReference(1);
        const int Each = 200;
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        Task pythonSets = Task.Run(() =>
        {
            foreach (int i in Enumerable.Range(0, Each))
            {
                python.Run(new object?[] { "set", $"python {i}", "p" });
            }
        });
        // A Set-CachedResponse per process: what the module knows is only what is on disk.
        foreach (int i in Enumerable.Range(0, Each))
        {
            DirectoryCache module = SharingEngine();
            module.Set($"module {i}", Responses.Json("m"), Roomy);
            module.Flush();
        }

        pythonSets.GetAwaiter().GetResult();

        // A rename of the module's can still land on the reference's last write (a writer without the lock can always
        // lose a race); its next write, this flush, brings back what it holds.
        python.Run(new object?[] { "flush" });

        DirectoryCache fresh = SharingEngine();
        int moduleKept = Enumerable.Range(0, Each).Count(i => fresh.Get($"module {i}", Roomy) is not null);
        int pythonKept = Enumerable.Range(0, Each).Count(i => fresh.Get($"python {i}", Roomy) is not null);
        Assert.Equal((Each, Each), (moduleKept, pythonKept));
    }

    [PythonFact]
    public void A_long_lived_reference_at_its_cap_evicts_the_modules_least_recent_entries_for_good_and_statistics_say_so()
    {
        DirectoryCache module = SharingEngine();
        string[] moduleKeys = Enumerable.Range(0, 5).Select(i => $"module {i}").ToArray();
        module.SetMany(moduleKeys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json("m"))).ToList(), Roomy);
        ReferenceCacheManager.Run(CacheDirectory, ReferenceCap, 7, Enumerable.Range(0, ReferenceCap - 5).Select(i => new object?[] { "set", SeedKey(i), "s" }).ToArray());

        // It loads the module's five (the least recent) and evicts them to make room for its own five.
        using (LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, ReferenceCap, 7))
        {
            python.Run(Enumerable.Range(0, 5).Select(i => new object?[] { "set", $"python {i}", "p" }).ToArray());
        }

        var log = new RecordingLog();
        DirectoryCache fresh = SharingEngine();
        Assert.All(moduleKeys, key => Assert.Null(fresh.Get(key, Roomy)));
        Assert.Equal(ReferenceCap, fresh.GetStatistics(Roomy, log).TotalEntries);
        string warning = Assert.Single(log.Warnings);
        Assert.Contains("dropped 5 of this module's entries", warning);
        Assert.Contains($"max_entries={Roomy.MaxEntries}", warning);
    }

    [PythonFact]
    public void Statistics_do_not_warn_of_a_lower_cap_when_the_other_programs_rewrite_evicted_nothing()
    {
        // The trial: 3,500 entries, the module's cap 5,000, the reference's get() flushing access times.
        CachePolicy capOf5000 = Policy(maxEntries: 5000);
        DirectoryCache module = SharingEngine();
        module.SetMany(Enumerable.Range(0, 350).Select(i => new KeyValuePair<string, byte[]>($"module {i}", Responses.Json("m"))).ToList(), capOf5000);
        using (LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 5000, 7))
        {
            python.Run(new object?[] { "set", "from python", "p" });
        }

        var log = new RecordingLog();
        Assert.Equal(351, SharingEngine().GetStatistics(capOf5000, log).TotalEntries);
        Assert.Empty(log.Warnings);
        var again = new RecordingLog();
        _ = SharingEngine().GetStatistics(capOf5000, again);
        Assert.Empty(again.Warnings);
    }

    [PythonFact]
    public void A_clear_by_a_long_lived_reference_stays_done_even_when_it_sets_again_afterwards()
    {
        DirectoryCache module = SharingEngine();
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        module.SetMany(Enumerable.Range(0, 10).Select(i => new KeyValuePair<string, byte[]>($"module {i}", Responses.Json("m"))).ToList(), Roomy);

        python.Run(new object?[] { "clear" }, new object?[] { "set", "from python", "after the clear" });

        DirectoryCache fresh = SharingEngine();
        Assert.Equal(1, fresh.GetStatistics(Roomy).TotalEntries);
        Assert.Equal("after the clear", Responses.Text(fresh.Get("from python", Roomy)));
    }

    [PythonFact]
    public void A_long_lived_reference_opened_on_an_empty_cache_drops_the_modules_later_entries_and_statistics_say_why()
    {
        // From the file alone this is the clear() above: a view without the module's entries, written back.
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        DirectoryCache module = SharingEngine();
        module.Set("from the module", Responses.Json("m"), Roomy);

        python.Run(new object?[] { "set", "from python", "p" });

        var log = new RecordingLog();
        DirectoryCache fresh = SharingEngine();
        Assert.Equal(1, fresh.GetStatistics(Roomy, log).TotalEntries);
        string warning = Assert.Single(log.Warnings);
        Assert.Contains("dropped 1 of this module's entries", warning);
        Assert.Contains("a copy it loaded before this module wrote them", warning);
    }

    [PythonFact]
    public void Entries_the_module_removed_stay_removed_when_a_long_lived_reference_writes_them_back()
    {
        // Stored a minute ago: well before the module's removal, so not a write of the reference's own in progress.
        var aMinuteAgo = new FakeClock(DateTimeOffset.Now.AddMinutes(-1));
        DirectoryCache module = new(CacheDirectory, new DirectoryCacheOptions { Clock = aMinuteAgo, FileSystem = Disk, FoldDelay = null });
        module.SetMany(new[] { "a", "b", "c", "d" }.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json(key))).ToList(), Roomy);
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        Assert.True(module.Remove("b"));
        SharingEngine().Clear();
        SharingEngine().Set("after the clear", Responses.Json("kept"), Roomy);

        python.Run(new object?[] { "set", "from python", "kept" });

        DirectoryCache fresh = SharingEngine();
        Assert.All(new[] { "a", "b", "c", "d" }, key => Assert.Null(fresh.Get(key, Roomy)));
        Assert.Equal("kept", Responses.Text(fresh.Get("after the clear", Roomy)));
        Assert.Equal("kept", Responses.Text(fresh.Get("from python", Roomy)));
        JsonArray seen = ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "get", "b" }, new object?[] { "stats" });
        Assert.Null(seen[0]);
        Assert.Equal(2, (int)seen[1]!["total_entries"]!);
    }

    [PythonFact]
    public void The_modules_newer_value_of_a_key_survives_a_long_lived_reference_that_loaded_the_older_one()
    {
        ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "set", "both", "older, from python" });
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        SharingEngine().Set("both", Responses.Json("newer, from the module"), Roomy);

        python.Run(new object?[] { "set", "other", "p" });

        Assert.Equal("newer, from the module", Responses.Text(SharingEngine().Get("both", Roomy)));
        Assert.Equal("newer, from the module", (string?)ReferenceCacheManager.Run(CacheDirectory, 1000, 7, new object?[] { "get", "both" })[0]);
    }

    /// <summary>
    /// The trial: a CacheManager loads the file, the module writes ten entries in another process (folded into the
    /// snapshot as that process ends), then the same CacheManager sets one entry, rewriting the file from its old view.
    /// </summary>
    private void LongLivedReferenceSetsAfterTheModulesWritesWereFolded(int seeded)
    {
        SeedFromReference(seeded);
        using LongLivedReference python = ReferenceCacheManager.Start(CacheDirectory, 1000, 7);
        DirectoryCache module = SharingEngine();
        string[] moduleKeys = Enumerable.Range(0, 10).Select(i => $"module {i}").ToArray();
        module.SetMany(moduleKeys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.OfSize(3000, 'm'))).ToList(), Roomy);
        module.Flush();

        python.Run(new object?[] { "set", "from python", "kept" });

        DirectoryCache fresh = SharingEngine(foldDelay: TimeSpan.Zero);
        Assert.All(moduleKeys, key => Assert.NotNull(fresh.Get(key, Roomy)));
        Assert.Equal("kept", Responses.Text(fresh.Get("from python", Roomy)));
        Assert.Equal(seeded + 11, fresh.GetStatistics(Roomy).TotalEntries);

        // Written into the snapshot again, so the reference's next fresh load finds them too.
        Assert.True(SpinWait.SpinUntil(() => JournalLength == 0, TimeSpan.FromSeconds(30)), "The entries kept were not folded into the snapshot.");
        JsonArray seen = ReferenceCacheManager.Run(CacheDirectory, 1000, 7, moduleKeys.Select(key => new object?[] { "get", key }).Append(new object?[] { "stats" }).ToArray());
        Assert.All(seen.Take(moduleKeys.Length), result => Assert.NotNull(result));
        Assert.Equal(seeded + 11, (int)seen[moduleKeys.Length]!["total_entries"]!);
    }

    private static string SeedKey(int i) => $"seed {i}";

    /// <summary>The reference writes the entries one set at a time, as it would have before the migration: 3 KB each, over 256 KB for 100.</summary>
    private void SeedFromReference(int count)
    {
        object?[][] sets = Enumerable.Range(0, count).Select(i => new object?[] { "set", SeedKey(i), new string((char)('a' + (i % 26)), 3000) }).ToArray();
        ReferenceCacheManager.Run(CacheDirectory, ReferenceCap, 7, sets);
        Assert.True(new FileInfo(CacheFile).Length > 256 * 1024 || count < ReferenceCap, "The seeded cache is too small to use the journal.");
    }

    /// <summary>What another process of the module would have, on the machine's clock; it folds only when flushed (at exit) unless told otherwise.</summary>
    private DirectoryCache SharingEngine(TimeSpan? foldDelay = null) =>
        new(CacheDirectory, new DirectoryCacheOptions { Clock = SystemClock.Instance, FileSystem = Disk, FoldDelay = foldDelay ?? Timeout.InfiniteTimeSpan });
}
