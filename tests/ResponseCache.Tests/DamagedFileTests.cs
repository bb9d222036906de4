using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>A damaged ai_responses.json is kept aside for a person to look at, and every sound entry is recovered.</summary>
public sealed class DamagedFileTests : CacheTestBase
{
    private string AsidePath => AsidePathOf(CacheFile);

    private void WriteCacheFile(byte[] bytes)
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllBytes(CacheFile, bytes);
    }

    private void WriteCacheFile(string text) => WriteCacheFile(Encoding.UTF8.GetBytes(text));

    private static string Entry(string key, string responseJson = "\"answer\"", string extraFields = "") =>
        $"\"{CacheFileContent.HashOf(key)}\": {CacheFileContent.EntryJson(responseJson, 1_700_000_000, 1_700_000_000, extraFields)}";

    /// <summary>Loads the damaged file with a fresh engine and checks the one warning, the aside file and the rewritten cache file.</summary>
    private DirectoryCache LoadAndAssertSetAside(byte[] damaged)
    {
        DirectoryCache engine = NewEngine();
        engine.Get("any key", Policy(ttlDays: 100_000), Log);

        string warning = Assert.Single(Log.Warnings);
        Assert.Contains(AsidePath, warning);
        Assert.Equal(damaged, File.ReadAllBytes(AsidePath));
        CacheFileContent.Entries(CacheFile);
        return engine;
    }

    [Fact]
    public void A_truncated_file_is_set_aside_and_its_whole_entries_are_recovered()
    {
        SetOneSecondApart(NewEngine(), Policy(), key => Responses.Json("answer " + key), "a", "b", "c");

        byte[] whole = File.ReadAllBytes(CacheFile);
        int cut = Encoding.UTF8.GetString(whole).IndexOf(CacheFileContent.HashOf("c"), StringComparison.Ordinal) + 90;
        byte[] truncated = whole.Take(cut).ToArray();
        File.WriteAllBytes(CacheFile, truncated);

        DirectoryCache engine = LoadAndAssertSetAside(truncated);

        Assert.Equal("answer a", Responses.Text(engine.Get("a", Policy())));
        Assert.Equal("answer b", Responses.Text(engine.Get("b", Policy())));
        Assert.Null(engine.Get("c", Policy()));
        Assert.Equal(2, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void A_garbage_file_is_set_aside_and_the_cache_starts_empty()
    {
        byte[] garbage = { 0x00, 0xFF, 0x13, (byte)'n', (byte)'o', (byte)'t', (byte)' ', (byte)'j', (byte)'s', (byte)'o', (byte)'n' };
        WriteCacheFile(garbage);

        DirectoryCache engine = LoadAndAssertSetAside(garbage);

        Assert.Empty(CacheFileContent.Entries(CacheFile));
        Assert.Equal(0, engine.GetStatistics(Policy()).TotalEntries);
    }

    [Fact]
    public void An_empty_file_is_set_aside()
    {
        WriteCacheFile(Array.Empty<byte>());

        LoadAndAssertSetAside(Array.Empty<byte>());

        Assert.Empty(CacheFileContent.Entries(CacheFile));
    }

    [Fact]
    public void A_file_holding_an_array_instead_of_an_object_is_set_aside()
    {
        WriteCacheFile("[1, 2, 3]");

        LoadAndAssertSetAside(Encoding.UTF8.GetBytes("[1, 2, 3]"));

        Assert.Empty(CacheFileContent.Entries(CacheFile));
    }

    [Fact]
    public void One_malformed_entry_is_dropped_and_the_sound_ones_are_kept()
    {
        string text = "{\n  " + Entry("a") + ",\n  " + Entry("bad", extraFields: "\"created_at\": \"yesterday\"").Replace("\"created_at\": 1700000000,", string.Empty) + ",\n  " + Entry("b") + "\n}";
        WriteCacheFile(text);

        DirectoryCache engine = LoadAndAssertSetAside(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new[] { "a", "b" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
        Assert.Null(engine.Get("bad", Policy(ttlDays: 100_000)));
    }

    [Fact]
    public void An_entry_without_a_response_is_dropped_and_the_sound_ones_are_kept()
    {
        string text = "{\n  " + Entry("a") + ",\n  \"" + CacheFileContent.HashOf("empty") + "\": {\"timestamp\": \"2026-01-01 00:00:00\"}\n}";
        WriteCacheFile(text);

        LoadAndAssertSetAside(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new[] { CacheFileContent.HashOf("a") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void Garbage_between_sound_entries_loses_only_the_garbage()
    {
        string text = "{\n  " + Entry("a") + ",\n  ###### disk sector of zeros ######\n  " + Entry("b") + "\n}";
        WriteCacheFile(text);

        LoadAndAssertSetAside(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new[] { "a", "b" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
    }

    [Fact]
    public void A_response_nested_deeper_than_the_limit_is_set_aside_and_the_other_entries_are_kept()
    {
        string deep = Encoding.UTF8.GetString(Responses.Nested(SnapshotLimits.MaxReadableDepth + 10));
        string text = "{\n  " + Entry("a") + ",\n  " + Entry("deep", deep) + ",\n  " + Entry("b") + "\n}";
        WriteCacheFile(text);

        DirectoryCache engine = LoadAndAssertSetAside(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new[] { "a", "b" }.Select(CacheFileContent.HashOf).OrderBy(hash => hash, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(hash => hash, StringComparer.Ordinal));
        Assert.Null(engine.Get("deep", Policy(ttlDays: 100_000)));
    }

    [Fact]
    public void A_directory_where_the_cache_file_belongs_fails_every_write_and_leaves_no_temp_file_behind()
    {
        Directory.CreateDirectory(CacheFile);
        DirectoryCache engine = NewEngine();

        for (int write = 0; write < 3; write++)
        {
            Assert.Throws<CacheStorageException>(() => engine.Set("k" + write, Responses.Json("v"), Policy()));
        }

        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"timestamp\": 123")]
    [InlineData("\"text_length\": \"abc\"")]
    [InlineData("\"text_length\": 1.5")]
    public void An_entry_whose_informational_field_has_an_unexpected_type_is_kept_as_the_reference_keeps_it(string field)
    {
        string odd = $"\"{CacheFileContent.HashOf("odd")}\": {{\"response\": \"kept\", {field}, \"created_at\": 1700000000, \"last_accessed\": 1700000000}}";
        WriteCacheFile("{\n  " + Entry("a") + ",\n  " + odd + "\n}");

        DirectoryCache engine = NewEngine();

        Assert.Equal("kept", Responses.Text(engine.Get("odd", Policy(ttlDays: 100_000), Log)));
        engine.Set("b", Responses.Json("rewrites the file"), Policy(ttlDays: 100_000));
        Assert.Contains(field.Replace(" ", string.Empty), CacheFileContent.Entry(CacheFile, "odd").GetRawText().Replace(" ", string.Empty));
        Assert.Empty(Log.Warnings);
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_byte_order_mark_is_not_damage_the_file_loads_and_is_rewritten_without_it()
    {
        byte[] withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\n  " + Entry("a") + "\n}")).ToArray();
        WriteCacheFile(withBom);

        DirectoryCache engine = NewEngine();
        Assert.Equal("answer", Responses.Text(engine.Get("a", Policy(ttlDays: 100_000), Log)));

        Assert.Empty(Log.Warnings);
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
        Assert.Equal(new[] { CacheFileContent.HashOf("a") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void The_warning_is_given_once_and_not_again_by_later_calls_or_other_instances()
    {
        WriteCacheFile("[]");
        DirectoryCache engine = NewEngine();
        engine.Get("a", Policy(), Log);

        engine.Set("b", Responses.Json("b"), Policy(), Log);
        engine.Get("b", Policy(), Log);
        NewEngine().Get("b", Policy(), Log);

        Assert.Single(Log.Warnings);
    }

    [Fact]
    public void A_second_damaged_file_in_the_same_second_never_overwrites_the_first_one_set_aside()
    {
        WriteCacheFile("garbage one");
        NewEngine().Get("a", Policy(), Log);
        WriteCacheFile("garbage two");

        NewEngine().Get("a", Policy(), Log);

        Assert.Equal("garbage one", File.ReadAllText(AsidePath));
        Assert.Equal("garbage two", File.ReadAllText(AsidePath + "-1"));
        Assert.Equal(2, Log.Warnings.Count);
        Assert.Contains(AsidePath + "-1", Log.Warnings[1]);
    }

    [Fact]
    public void A_damaged_file_that_cannot_be_moved_aside_is_not_overwritten_until_it_can_be()
    {
        string text = "{\n  " + Entry("a") + ",\n  ###### disk sector of zeros ######\n  " + Entry("b") + "\n}";
        WriteCacheFile(text);
        byte[] damaged = Encoding.UTF8.GetBytes(text);
        DirectoryCache engine = NewEngine();
        Disk.Fail(FaultPoint.Move, "ai_responses.json");

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("c", Responses.Json("c"), Policy(ttlDays: 100_000), Log));

        Assert.Equal(CacheFile, error.Path);
        Assert.Equal(damaged, File.ReadAllBytes(CacheFile));
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.Contains(".corrupt-", StringComparison.Ordinal));
        Assert.Empty(Log.Warnings);
        Disk.Heal();
        DirectoryCache recovered = LoadAndAssertSetAside(damaged);
        Assert.Equal("answer", Responses.Text(recovered.Get("b", Policy(ttlDays: 100_000))));
        Assert.Null(engine.Get("c", Policy(ttlDays: 100_000)));
    }
}
