using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>SetMany, RemoveMany and Clear: what a pipeline into the cmdlets turns into.</summary>
public sealed class BatchWriteTests : CacheTestBase
{
    private static List<KeyValuePair<string, byte[]>> Items(params string[] keys) =>
        keys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json("answer " + key))).ToList();

    /// <summary>For each version of the cache file put in place from now on: which of <paramref name="keys"/> it held.</summary>
    private List<string[]> RecordKeysInEachVersion(params string[] keys)
    {
        var versions = new List<string[]>();
        Disk.AfterReplace = file => versions.Add(keys.Where(key => CacheFileContent.Contains(file, key)).ToArray());
        return versions;
    }

    [Fact]
    public void A_batch_reaches_the_file_whole_and_no_reader_ever_sees_part_of_it()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("existing", Responses.Json("kept"), Policy());
        List<string[]> versions = RecordKeysInEachVersion("a", "b", "c", "d");

        engine.SetMany(Items("a", "b", "c", "d"), Policy());

        Assert.NotEmpty(versions);
        Assert.All(versions, present => Assert.Equal(4, present.Length));
        Assert.Equal(5, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void An_empty_key_in_a_batch_rejects_the_whole_batch_before_anything_is_written()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("existing", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);

        Assert.Throws<ArgumentException>(() => engine.SetMany(Items("a", string.Empty, "c"), Policy()));

        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("a", Policy()));
    }

    [Fact]
    public void Remove_reports_whether_the_entry_was_there()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(Items("a", "b"), Policy());

        Assert.True(engine.Remove("a"));
        Assert.False(engine.Remove("a"));
        Assert.Equal(new[] { CacheFileContent.HashOf("b") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void RemoveMany_counts_only_entries_that_were_there_and_no_reader_ever_sees_part_of_the_removal()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(Items("a", "b", "c"), Policy());
        List<string[]> versions = RecordKeysInEachVersion("a", "c");

        int removed = engine.RemoveMany(new[] { KeyHash.Compute("a"), KeyHash.Compute("c"), KeyHash.Compute("never stored") });

        Assert.Equal(2, removed);
        Assert.NotEmpty(versions);
        Assert.All(versions, Assert.Empty);
        Assert.Equal(new[] { CacheFileContent.HashOf("b") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [PythonFact]
    public void Clear_leaves_an_empty_object_as_the_references_clear_does()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(Items("a", "b"), Policy());

        Assert.Equal(2, engine.Clear());

        Assert.Empty(CacheFileContent.Entries(CacheFile));
        System.Text.Json.Nodes.JsonArray results = ReferenceCacheManager.Run(CacheDirectory, new object?[] { "stats" });
        Assert.Equal(0, results[0]!["total_entries"]!.GetValue<int>());
    }
}
