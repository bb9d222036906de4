using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using ResponseCache.Core;
using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// A program that rewrites ai_responses.json without the lock (the Python reference) on a large cache, whose recent
/// changes are in the journal: what it could not have seen (the journal) is applied again over its rewrite, except
/// over a clear().
/// </summary>
public sealed class ForeignWriterTests : CacheTestBase
{
    [PythonFact]
    public void A_clear_by_the_reference_stays_done_although_the_journal_held_a_newer_entry()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("journaled", Responses.Json("from the module"), Roomy);
        Assert.True(JournalLength > 0);

        ReferenceCacheManager.Run(CacheDirectory, new object?[] { "clear" });

        Assert.Null(engine.Get("journaled", Roomy));
        Assert.Null(NewEngine().Get("journaled", Roomy));
        Assert.Equal(0, NewEngine().GetStatistics(Roomy).TotalEntries);
    }

    [PythonFact]
    public void Entries_the_reference_adds_are_kept_and_the_modules_journaled_changes_are_applied_again_over_them()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("journaled", Responses.Json("from the module"), Roomy);
        engine.Remove("key 1");

        ReferenceCacheManager.Run(CacheDirectory, new object?[] { "set", "from python", "kept" });
        engine.Set("after", Responses.Json("appended"), Roomy);

        DirectoryCache fresh = NewEngine();
        Assert.Equal("kept", Responses.Text(fresh.Get("from python", Roomy)));
        Assert.Equal("appended", Responses.Text(fresh.Get("after", Roomy)));
        Assert.Equal("from the module", Responses.Text(fresh.Get("journaled", Roomy)));
        Assert.Null(fresh.Get("key 1", Roomy));
        Assert.Equal(LargeCacheEntries + 2, fresh.GetStatistics(Roomy).TotalEntries);
        Assert.Equal(fresh.GetStatistics(Roomy).TotalEntries, engine.GetStatistics(Roomy).TotalEntries);
    }

    [Fact]
    public void A_journal_written_before_journals_named_their_snapshot_still_loads()
    {
        DirectoryCache engine = LargeCache();
        engine.Set("new", Responses.Json("journaled"), Roomy);
        engine.Set("newer", Responses.Json("journaled too"), Roomy);

        string[] lines = File.ReadAllText(JournalFile).Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"snapshot\":", lines[0]);
        lines[0] = WithoutSnapshotField(lines[0]);
        File.WriteAllText(JournalFile, string.Join("\n", lines) + "\n");

        DirectoryCache fresh = NewEngine();
        Assert.Equal("journaled", Responses.Text(fresh.Get("new", Roomy)));
        Assert.Equal("journaled too", Responses.Text(fresh.Get("newer", Roomy)));
        Assert.Equal(LargeCacheEntries + 2, fresh.GetStatistics(Roomy).TotalEntries);
    }

    /// <summary>The line an older writer would have written: the same ops, no "snapshot" field, its own checksum.</summary>
    private static string WithoutSnapshotField(string line)
    {
        JsonObject record = JsonNode.Parse(line)!["rec"]!.AsObject();
        record.Remove("snapshot");
        string recordText = record.ToJsonString();
        string crc = Crc32.HashToUInt32(Encoding.UTF8.GetBytes(recordText)).ToString("x8", CultureInfo.InvariantCulture);
        return $"{{\"crc\":\"{crc}\",\"rec\":{recordText}}}";
    }
}
