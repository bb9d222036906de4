using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Recency as hand-made files give it. The eviction rules themselves are in Contract/CacheContract.Eviction.cs.</summary>
public sealed class LruEvictionTests : CacheTestBase
{
    [Fact]
    public void A_hand_made_file_is_evicted_by_last_accessed_not_by_file_order()
    {
        CacheFileContent.Write(
            CacheFile,
            ("recent", CacheFileContent.EntryJson("\"r\"", createdAt: Clock.UnixSeconds - 300, lastAccessed: Clock.UnixSeconds - 10)),
            ("stale", CacheFileContent.EntryJson("\"s\"", createdAt: Clock.UnixSeconds - 200, lastAccessed: Clock.UnixSeconds - 100)),
            ("middle", CacheFileContent.EntryJson("\"m\"", createdAt: Clock.UnixSeconds - 100, lastAccessed: Clock.UnixSeconds - 50)));
        DirectoryCache engine = NewEngine();

        engine.Set("new", Responses.Json("n"), Policy(maxEntries: 3));

        Dictionary<string, System.Text.Json.JsonElement> entries = CacheFileContent.Entries(CacheFile);
        Assert.DoesNotContain(CacheFileContent.HashOf("stale"), entries.Keys);
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public void A_large_hand_made_file_in_any_order_is_listed_by_last_accessed_and_equal_times_keep_file_order()
    {
        var random = new Random(7);
        (string Key, int SecondsAgo)[] written = Enumerable.Range(0, 600).Select(i => ($"key {i}", random.Next(200))).ToArray();
        CacheFileContent.Write(CacheFile, written
            .Select(entry => (entry.Key, CacheFileContent.EntryJson("\"x\"", createdAt: Clock.UnixSeconds - 1000, lastAccessed: Clock.UnixSeconds - entry.SecondsAgo)))
            .ToArray());

        string[] listed = NewEngine().ListEntries(Roomy).Select(entry => entry.KeyHash).ToArray();

        IEnumerable<string> oldestFirstThenFileOrder = written.OrderByDescending(entry => entry.SecondsAgo).Select(entry => CacheFileContent.HashOf(entry.Key));
        Assert.Equal(oldestFirstThenFileOrder, listed);
    }
}
