using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// A cache larger than 256 KB appends each call's changes to ai_responses.json.journal instead of rewriting the
/// snapshot, and other instances catch up from the journal.
/// </summary>
public sealed class JournalTests : CacheTestBase
{
    private string JournalAsidePath => AsidePathOf(JournalFile);

    /// <summary>The journal's lines, each with its newline.</summary>
    private List<byte[]> JournalLines()
    {
        byte[] bytes = File.ReadAllBytes(JournalFile);
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes.Skip(start).Take(i + 1 - start).ToArray());
                start = i + 1;
            }
        }

        Assert.Equal(bytes.Length, start);
        return lines;
    }

    private void AssertLargeCacheEntriesPresent(DirectoryCache engine)
    {
        Assert.Equal(LargeCacheResponse(0), engine.Get("key 0", Roomy));
        Assert.Equal(LargeCacheResponse(LargeCacheEntries - 1), engine.Get($"key {LargeCacheEntries - 1}", Roomy));
    }

    [Fact]
    public void A_set_on_a_large_cache_appends_to_the_journal_and_leaves_the_snapshot_untouched()
    {
        DirectoryCache engine = LargeCache();
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        engine.Set("new 1", Responses.Json("one"), Roomy);
        long afterFirst = JournalLength;
        engine.Set("new 2", Responses.Json("two"), Roomy);

        Assert.True(afterFirst > 0);
        Assert.True(JournalLength > afterFirst);
        before.AssertUntouched();
    }

    [Fact]
    public void A_fresh_instance_replays_the_snapshot_and_the_journal()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new", Responses.Json("new answer"), Roomy);
        engine.Set("key 5", Responses.Json("overwritten"), Roomy);
        engine.Remove("key 6");

        DirectoryCache fresh = NewEngine();

        Assert.Equal(LargeCacheEntries, fresh.GetStatistics(Roomy).TotalEntries);
        Assert.Equal("new answer", Responses.Text(fresh.Get("new", Roomy)));
        Assert.Equal("overwritten", Responses.Text(fresh.Get("key 5", Roomy)));
        Assert.Null(fresh.Get("key 6", Roomy));
        AssertLargeCacheEntriesPresent(fresh);
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_every_earlier_set_survives()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new 1", Responses.Json("one"), Roomy);
        engine.Set("new 2", Responses.Json("two"), Roomy);
        engine.Set("torn", Responses.Json("three"), Roomy);
        byte[] lastLine = JournalLines().Last();
        using (var journal = new FileStream(JournalFile, FileMode.Open))
        {
            journal.SetLength(journal.Length - (lastLine.Length / 2));
        }

        DirectoryCache fresh = NewEngine();

        Assert.Equal("one", Responses.Text(fresh.Get("new 1", Roomy, Log)));
        Assert.Equal("two", Responses.Text(fresh.Get("new 2", Roomy, Log)));
        Assert.Null(fresh.Get("torn", Roomy, Log));
        Assert.Empty(Log.Warnings);
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
    }

    [Fact]
    public void After_a_half_appended_line_the_next_set_is_kept_and_nothing_is_lost()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new 1", Responses.Json("one"), Roomy);
        byte[] firstLine = JournalLines()[0];
        using (var journal = new FileStream(JournalFile, FileMode.Append))
        {
            journal.Write(firstLine, 0, firstLine.Length / 2);
        }

        DirectoryCache other = NewEngine();
        other.Set("new 2", Responses.Json("two"), Roomy, Log);
        DirectoryCache fresh = NewEngine();

        Assert.Equal("one", Responses.Text(fresh.Get("new 1", Roomy, Log)));
        Assert.Equal("two", Responses.Text(fresh.Get("new 2", Roomy, Log)));
        Assert.Equal("two", Responses.Text(engine.Get("new 2", Roomy, Log)));
        Assert.Empty(Log.Warnings);
        AssertLargeCacheEntriesPresent(fresh);
    }

    // The last whole line is damage too: only a line without its newline is an append cut short.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_damaged_line_sets_the_journal_aside_and_the_sound_lines_are_recovered(bool soundLinesAfterIt)
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new 1", Responses.Json("one"), Roomy);
        engine.Set("damaged", Responses.Json("two"), Roomy);
        if (soundLinesAfterIt)
        {
            engine.Set("new 3", Responses.Json("three"), Roomy);
        }

        byte[] journal = File.ReadAllBytes(JournalFile);
        DirectoryCache fresh = LoadDamagedJournal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(journal).Replace("\"two\"", "\"tw0\"")));

        Assert.Equal("one", Responses.Text(fresh.Get("new 1", Roomy)));
        Assert.Null(fresh.Get("damaged", Roomy));
        AssertLargeCacheEntriesPresent(fresh);
        if (soundLinesAfterIt)
        {
            Assert.Equal("three", Responses.Text(fresh.Get("new 3", Roomy)));
            Assert.True(CacheFileContent.Contains(CacheFile, "new 3"), "The recovered changes were not folded into the snapshot.");
        }
    }

    [Theory]
    [InlineData("garbage lines")]
    [InlineData("UTF-16")]
    public void A_journal_with_no_sound_line_is_set_aside_whole_before_anything_is_trimmed(string damage)
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new 1", Responses.Json("one"), Roomy);
        string journal = Encoding.UTF8.GetString(File.ReadAllBytes(JournalFile));
        byte[] damaged = damage == "UTF-16" ? Encoding.Unicode.GetBytes(journal) : Encoding.UTF8.GetBytes("not a journal line\nnor this one\n");

        AssertLargeCacheEntriesPresent(LoadDamagedJournal(damaged));
    }

    /// <summary>Writes the damaged journal, loads the cache afresh, and checks the one warning and the copy kept aside.</summary>
    private DirectoryCache LoadDamagedJournal(byte[] damaged)
    {
        File.WriteAllBytes(JournalFile, damaged);
        DirectoryCache fresh = NewEngine();
        fresh.Get("any key", Roomy, Log);

        string warning = Assert.Single(Log.Warnings);
        Assert.Contains(JournalAsidePath, warning);
        Assert.Equal(damaged, File.ReadAllBytes(JournalAsidePath));
        return fresh;
    }

    [Theory]
    [InlineData("damaged")]
    [InlineData("given a byte order mark")]
    public void The_journal_still_applies_to_its_cache_file_once_that_file_is_damaged_or_given_a_byte_order_mark(string harm)
    {
        DirectoryCache engine = LargeCache();
        engine.Set("only in the journal", Responses.Json("kept"), Roomy);
        byte[] snapshot = File.ReadAllBytes(CacheFile);
        File.WriteAllBytes(CacheFile, harm == "damaged" ? snapshot.Take(snapshot.Length - 2).ToArray() : Encoding.UTF8.GetPreamble().Concat(snapshot).ToArray());

        DirectoryCache fresh = NewEngine();

        Assert.Equal("kept", Responses.Text(fresh.Get("only in the journal", Roomy, Log)));
        Assert.Equal("kept", Responses.Text(NewEngine().Get("only in the journal", Roomy)));
    }

    [Fact]
    public void Hits_of_several_instances_add_up_through_the_journal_and_a_reader_that_stops_at_the_ops_still_reads_the_line()
    {
        LargeCache();
        long snapshotLength = new FileInfo(CacheFile).Length;
        for (int instance = 0; instance < 3; instance++)
        {
            DirectoryCache reader = NewEngine();
            Assert.NotNull(reader.Get("key 7", Roomy));
            Assert.NotNull(reader.Get("key 7", Roomy));
            reader.Flush();
        }

        Assert.Equal(snapshotLength, new FileInfo(CacheFile).Length);
        Assert.Equal(6, NewEngine().ListEntries(Roomy).Single(entry => entry.KeyHash == KeyHash.Compute("key 7").ToString()).Hits);

        // The hits follow the ops (and the snapshot's identity) in each line: a reader of the older format, which
        // stops after them, finds every line whole.
        foreach (string line in File.ReadAllLines(JournalFile))
        {
            using var record = System.Text.Json.JsonDocument.Parse(line);
            System.Text.Json.JsonElement rec = record.RootElement.GetProperty("rec");
            Assert.Equal("ops", rec.EnumerateObject().First().Name);
            Assert.Equal("hits", rec.EnumerateObject().Last().Name);
        }
    }

    [Fact]
    public void Another_instance_catches_up_from_the_journal_without_a_snapshot_rewrite()
    {
        DirectoryCache first = LargeCache();
        DirectoryCache second = NewEngine();
        AssertLargeCacheEntriesPresent(second);
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        first.Set("from first", Responses.Json("1"), Roomy);
        Assert.Equal("1", Responses.Text(second.Get("from first", Roomy)));
        second.Set("from second", Responses.Json("2"), Roomy);
        Assert.Equal("2", Responses.Text(first.Get("from second", Roomy)));
        first.Remove("from second");

        Assert.Null(second.Get("from second", Roomy));
        before.AssertUntouched();
    }

    [Fact]
    public void Hits_flushed_on_a_large_cache_go_to_the_journal_and_steer_another_instances_eviction()
    {
        DirectoryCache engine = LargeCache();
        Clock.Advance(TimeSpan.FromSeconds(1));
        engine.Get("key 0", Roomy);
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        engine.FlushAccessTimes();
        NewEngine().Set("new", Responses.Json("new"), Policy(maxEntries: LargeCacheEntries));

        before.AssertUntouched();
        DirectoryCache fresh = NewEngine();
        Assert.NotNull(fresh.Get("key 0", Roomy));
        Assert.Equal(LargeCacheEntries, fresh.GetStatistics(Roomy).TotalEntries);
    }

    /// <summary>Sets 20 KB responses until the journal is folded into the snapshot; returns the keys set.</summary>
    private List<string> SetUntilCompacted(DirectoryCache engine)
    {
        var keys = new List<string>();
        long longestJournal = 0;
        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);
        while (before.IsUntouched())
        {
            Assert.True(keys.Count < 100, "The journal was never compacted.");
            string key = $"big {keys.Count}";
            engine.Set(key, Responses.OfSize(20_000), Roomy);
            keys.Add(key);
            longestJournal = Math.Max(longestJournal, JournalLength);
        }

        Assert.True(longestJournal > 200 * 1024, "Compaction came before the journal had grown.");
        return keys;
    }

    [Fact]
    public void A_journal_that_outgrows_the_threshold_is_folded_into_the_snapshot_and_emptied()
    {
        DirectoryCache engine = LargeCache();

        List<string> keys = SetUntilCompacted(engine);

        Assert.Equal(0, JournalLength);
        Dictionary<string, System.Text.Json.JsonElement> snapshot = CacheFileContent.Entries(CacheFile);
        Assert.Equal(LargeCacheEntries + keys.Count, snapshot.Count);
        Assert.All(keys, key => Assert.Contains(CacheFileContent.HashOf(key), snapshot.Keys));
        Assert.Equal(LargeCacheEntries + keys.Count, NewEngine().GetStatistics(Roomy).TotalEntries);
    }

    [PythonFact]
    public void The_compacted_snapshot_is_read_by_the_python_reference()
    {
        DirectoryCache engine = LargeCache();
        List<string> keys = SetUntilCompacted(engine);

        System.Text.Json.Nodes.JsonArray results = ReferenceCacheManager.Run(
            CacheDirectory, new object?[] { "get", keys.Last() }, new object?[] { "get", "key 0" }, new object?[] { "stats" });

        Assert.Equal(new string('x', 19_998), results[0]!.GetValue<string>());
        Assert.Equal(new string('a', 1022), results[1]!.GetValue<string>());
        Assert.Equal(LargeCacheEntries + keys.Count, results[2]!["total_entries"]!.GetValue<int>());
    }

    [Fact]
    public void A_crash_between_the_new_snapshot_and_emptying_the_journal_neither_loses_nor_revives_anything()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("answer", Responses.Json("old answer"), Roomy);
        engine.Remove("key 7");
        engine.Set("key 9", Responses.Json("journaled"), Roomy);

        // One call that outgrows the journal (so it compacts) and changes keys the journal already mentions.
        // The journal cannot be emptied: the process died right after the new snapshot was renamed into place.
        Disk.Fail(FaultPoint.SetLength, ".journal");
        Assert.Throws<CacheStorageException>(() => engine.SetMany(
            new[]
            {
                new KeyValuePair<string, byte[]>("answer", Responses.Json("new answer")),
                new KeyValuePair<string, byte[]>("key 7", Responses.Json("back again")),
                new KeyValuePair<string, byte[]>("big", Responses.OfSize(300_000)),
            },
            Roomy));
        Disk.Heal();
        Assert.True(JournalLength > 0, "The crash should have left the journal behind.");
        Assert.Equal("new answer", CacheFileContent.Entry(CacheFile, "answer").GetProperty("response").GetString());

        DirectoryCache fresh = NewEngine();

        Assert.Equal("new answer", Responses.Text(fresh.Get("answer", Roomy, Log)));
        Assert.Equal("back again", Responses.Text(fresh.Get("key 7", Roomy)));
        Assert.Equal("journaled", Responses.Text(fresh.Get("key 9", Roomy)));
        Assert.Equal(Responses.OfSize(300_000), fresh.Get("big", Roomy));
        Assert.Equal(LargeCacheEntries + 2, fresh.GetStatistics(Roomy).TotalEntries);
        Assert.Empty(Log.Warnings);
    }

    [Fact]
    public void A_compaction_whose_snapshot_cannot_be_written_leaves_the_journal_as_it_was()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("answer", Responses.Json("kept"), Roomy);
        byte[] journal = File.ReadAllBytes(JournalFile);
        byte[] snapshot = File.ReadAllBytes(CacheFile);
        Disk.Fail(FaultPoint.Replace);

        Assert.Throws<CacheStorageException>(() => engine.Set("big", Responses.OfSize(300_000), Roomy));
        Disk.Heal();

        Assert.Equal(journal, File.ReadAllBytes(JournalFile));
        Assert.Equal(snapshot, File.ReadAllBytes(CacheFile));
        DirectoryCache fresh = NewEngine();
        Assert.Null(fresh.Get("big", Roomy));
        Assert.Equal("kept", Responses.Text(fresh.Get("answer", Roomy)));
    }

    [Theory]
    [InlineData(FaultPoint.OpenReadWrite)]
    [InlineData(FaultPoint.Write)]
    [InlineData(FaultPoint.FlushToDisk)]
    public void A_failed_append_leaves_journal_and_snapshot_byte_identical_and_loses_nothing(FaultPoint fault)
    {
        DirectoryCache engine = LargeCache();
        engine.Set("before", Responses.Json("kept"), Roomy);
        byte[] journal = File.ReadAllBytes(JournalFile);
        byte[] snapshot = File.ReadAllBytes(CacheFile);
        Disk.Fail(fault, ".journal");

        Assert.Throws<CacheStorageException>(() => engine.Set("during", Responses.Json("lost"), Roomy));
        Disk.Heal();

        Assert.Equal(journal, File.ReadAllBytes(JournalFile));
        Assert.Equal(snapshot, File.ReadAllBytes(CacheFile));
        Assert.Equal("kept", Responses.Text(engine.Get("before", Roomy)));
        Assert.Null(engine.Get("during", Roomy));
        DirectoryCache fresh = NewEngine();
        Assert.Equal("kept", Responses.Text(fresh.Get("before", Roomy, Log)));
        AssertLargeCacheEntriesPresent(fresh);
        Assert.Empty(Log.Warnings);
    }

    [Fact]
    public void A_response_nested_to_the_limit_replays_from_the_journal()
    {
        DirectoryCache engine = LargeCache();

        SnapshotOnDisk before = SnapshotOnDisk.Of(CacheFile);

        engine.Set("deep", Responses.Nested(SnapshotLimits.MaxResponseDepth), Roomy);

        before.AssertUntouched();
        Assert.True(JournalLength > 0);
        Assert.Equal(Responses.Nested(SnapshotLimits.MaxResponseDepth), NewEngine().Get("deep", Roomy, Log));
        Assert.Empty(Log.Warnings);
    }

    [Theory]
    [InlineData(FaultPoint.OpenRead)]
    [InlineData(FaultPoint.Read)]
    public void A_journal_that_cannot_be_read_fails_the_lookup_and_is_neither_set_aside_nor_cut(FaultPoint fault)
    {
        DirectoryCache engine = LargeCache();
        engine.Set("journaled", Responses.Json("kept"), Roomy);
        byte[] journal = File.ReadAllBytes(JournalFile);
        DirectoryCache fresh = NewEngine();
        Disk.Fail(fault, ".journal");

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => fresh.Get("journaled", Roomy, Log));
        Disk.Heal();

        Assert.Equal(JournalFile, error.Path);
        Assert.Equal(journal, File.ReadAllBytes(JournalFile));
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
        Assert.Equal("kept", Responses.Text(fresh.Get("journaled", Roomy, Log)));
        Assert.Empty(Log.Warnings);
    }

    [Fact]
    public void A_damaged_journal_that_cannot_be_moved_aside_is_kept_in_place_until_it_can_be()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new 1", Responses.Json("one"), Roomy);
        engine.Set("damaged", Responses.Json("two"), Roomy);
        engine.Set("new 3", Responses.Json("three"), Roomy);
        byte[] damagedJournal = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(File.ReadAllBytes(JournalFile)).Replace("\"two\"", "\"tw0\""));
        File.WriteAllBytes(JournalFile, damagedJournal);
        byte[] snapshot = File.ReadAllBytes(CacheFile);
        DirectoryCache fresh = NewEngine();
        Disk.Fail(FaultPoint.Move, ".journal");

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => fresh.Set("during", Responses.Json("lost"), Roomy, Log));

        Assert.Equal(JournalFile, error.Path);
        Assert.Equal(damagedJournal, File.ReadAllBytes(JournalFile));
        Assert.Equal(snapshot, File.ReadAllBytes(CacheFile));
        Assert.Empty(Log.Warnings);
        Disk.Heal();
        Assert.Equal("one", Responses.Text(fresh.Get("new 1", Roomy, Log)));
        Assert.Equal("three", Responses.Text(fresh.Get("new 3", Roomy)));
        Assert.Null(fresh.Get("during", Roomy));
        Assert.Equal(damagedJournal, File.ReadAllBytes(JournalAsidePath));
        Assert.Contains(JournalAsidePath, Assert.Single(Log.Warnings));
    }
}
