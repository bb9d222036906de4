using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>SetMany, RemoveMany and Clear: what a pipeline into the cmdlets turns into.</summary>
public sealed class BatchWriteTests : CacheTestBase
{
    private static List<KeyValuePair<string, byte[]>> Items(params string[] keys) =>
        keys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json("answer " + key))).ToList();

    [Fact]
    public void Many_items_are_written_to_the_file_once()
    {
        ResponseCacheEngine engine = NewEngine();

        engine.SetMany(Items("a", "b", "c", "d"), Policy());

        Assert.Equal(1, Disk.Replaces);
        Assert.Equal(4, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void An_empty_key_in_a_batch_rejects_the_whole_batch_before_anything_is_written()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("existing", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);

        Assert.Throws<ArgumentException>(() => engine.SetMany(Items("a", string.Empty, "c"), Policy()));

        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("a", Policy()));
    }

    [Fact]
    public void Remove_reports_whether_the_entry_was_there()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.SetMany(Items("a", "b"), Policy());

        Assert.True(engine.Remove("a"));
        Assert.False(engine.Remove("a"));
        Assert.Equal(new[] { CacheFileContent.HashOf("b") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void RemoveMany_counts_only_entries_that_were_there_and_writes_once()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.SetMany(Items("a", "b", "c"), Policy());
        int replaces = Disk.Replaces;

        int removed = engine.RemoveMany(new[] { KeyHash.Compute("a"), KeyHash.Compute("c"), KeyHash.Compute("never stored") });

        Assert.Equal(2, removed);
        Assert.Equal(replaces + 1, Disk.Replaces);
        Assert.Equal(new[] { CacheFileContent.HashOf("b") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [PythonFact]
    public void Clear_leaves_an_empty_object_as_the_references_clear_does()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.SetMany(Items("a", "b"), Policy());

        Assert.Equal(2, engine.Clear());

        Assert.Empty(CacheFileContent.Entries(CacheFile));
        System.Text.Json.Nodes.JsonArray results = ReferenceCacheManager.Run(CacheDirectory, new object?[] { "stats" });
        Assert.Equal(0, results[0]!["total_entries"]!.GetValue<int>());
    }
}
