using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Export and Import: what Copy-ResponseCache moves between caches, on the file engine.</summary>
public sealed class CopyBetweenCachesTests : CacheTestBase
{
    private string OtherDirectory => Path.Combine(OutsideDirectory, "other");

    private ResponseCacheEngine NewOtherEngine() => new(OtherDirectory, new CacheEngineOptions { Clock = Clock });

    [Fact]
    public void Export_gives_the_fresh_entries_least_recently_used_first_with_their_times()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("old", Responses.Json("answer to old"), Policy());
        Clock.Advance(TimeSpan.FromDays(2));
        SetOneSecondApart(engine, Policy(), "a", "b");
        Clock.Advance(TimeSpan.FromDays(3));
        engine.Get("a", Policy());
        Clock.Advance(TimeSpan.FromDays(2));

        IReadOnlyList<StoredResponse> exported = engine.Export();

        // "old" is past the cache's 7 days; the others are not, and the hit made "a" the most recently used.
        Assert.Equal(new[] { "b", "a" }.Select(CacheFileContent.HashOf), exported.Select(entry => entry.Key.ToString()));
        StoredResponse a = exported[1];
        Assert.Equal("answer to a", Responses.Text(a.ResponseJson));
        Assert.Equal(CacheFileContent.Entry(CacheFile, "a").GetProperty("created_at").GetDouble(), a.CreatedAt);
        Assert.True(a.LastAccessed > a.CreatedAt + 86400, "The hit's access time was not exported.");
        Assert.Equal(1, a.TextLength);
        Assert.NotNull(a.Timestamp);
    }

    [Fact]
    public void Import_keeps_the_times_so_entries_expire_and_are_evicted_as_they_would_have_been()
    {
        ResponseCacheEngine source = NewEngine();
        SetOneSecondApart(source, Policy(), "a", "b", "c");
        source.Get("a", Policy());
        IReadOnlyList<StoredResponse> exported = source.Export();
        Clock.Advance(TimeSpan.FromDays(1));

        ResponseCacheEngine destination = NewOtherEngine();
        destination.Set("newer", Responses.Json("already there"), Policy());
        Assert.Equal(3, destination.Import(exported));

        // Recency follows the copied access times, not the order of the copy: "b" is the least recently used.
        Assert.Equal(new[] { "b", "c", "a", "newer" }.Select(CacheFileContent.HashOf), destination.ListEntries(Policy()).Select(entry => entry.KeyHash));
        destination.Configure(maxEntries: 3);
        Assert.Null(destination.Get("b", Policy()));
        Assert.Equal(exported.Single(entry => entry.Key == KeyHash.Compute("c")).CreatedAt, CacheFileContent.Entry(Path.Combine(OtherDirectory, "ai_responses.json"), "c").GetProperty("created_at").GetDouble());

        Clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromSeconds(2));
        Assert.Null(destination.Get("c", Policy()));
        Assert.Equal("already there", Responses.Text(destination.Get("newer", Policy())));
    }

    [Fact]
    public void Imported_entries_replace_entries_of_the_same_key_and_another_process_reads_them_in_recency_order()
    {
        ResponseCacheEngine source = NewOtherEngine();
        SetOneSecondApart(source, Policy(), "a", "b");
        Clock.Advance(TimeSpan.FromSeconds(10));

        // Large enough that changes go to the journal, whose replay puts each written entry last.
        ResponseCacheEngine destination = LargeCache();
        destination.Set("a", Responses.Json("stale copy"), Roomy);

        destination.Import(source.Export());

        // The copied entries are older than every entry already there, though they were written after them.
        IEnumerable<string> otherProcessOrder = NewEngine().ListEntries(Roomy).Select(entry => entry.KeyHash);
        Assert.Equal(new[] { "a", "b" }.Select(CacheFileContent.HashOf), otherProcessOrder.Take(2));
        Assert.Equal("answer to a", Responses.Text(NewEngine().Get("a", Roomy)));
    }
}
