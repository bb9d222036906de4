using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Import into a directory whose changes go to its journal. The copy rules themselves are in Contract/CacheContract.Copy.cs.</summary>
public sealed class CopyBetweenCachesTests : CacheTestBase
{
    private string OtherDirectory => Path.Combine(OutsideDirectory, "other");

    private DirectoryCache NewOtherEngine() => new(OtherDirectory, new DirectoryCacheOptions { Clock = Clock });

    [Fact]
    public void Imported_entries_replace_entries_of_the_same_key_and_another_process_reads_them_in_recency_order()
    {
        DirectoryCache source = NewOtherEngine();
        SetOneSecondApart(source, Policy(), "a", "b");
        Clock.Advance(TimeSpan.FromSeconds(10));

        // Large enough that changes go to the journal, whose replay puts each written entry last.
        DirectoryCache destination = LargeCache();
        destination.Set("a", Responses.Json("stale copy"), Roomy);

        destination.Import(source.Export());

        // The copied entries are older than every entry already there, though they were written after them.
        IEnumerable<string> otherProcessOrder = NewEngine().ListEntries(Roomy).Select(entry => entry.KeyHash);
        Assert.Equal(new[] { "a", "b" }.Select(CacheFileContent.HashOf), otherProcessOrder.Take(2));
        Assert.Equal("answer to a", Responses.Text(NewEngine().Get("a", Roomy)));
    }
}
