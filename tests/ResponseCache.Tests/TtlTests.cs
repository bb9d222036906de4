using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Expiry as the directory keeps it: in its file. The rules themselves are in Contract/CacheContract.Ttl.cs.</summary>
public sealed class TtlTests : CacheTestBase
{
    [Fact]
    public void A_read_removes_an_entry_only_once_it_is_older_than_the_caches_own_ttl()
    {
        DirectoryCache engine = NewEngine();
        engine.Configure(ttlDays: 3);
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);
        Clock.Advance(TimeSpan.FromDays(4));

        Assert.Null(engine.Get("question", CachePolicy.ForTtl(1)));

        Assert.False(CacheFileContent.Contains(CacheFile, "question"));
    }

    [Fact]
    public void Times_no_date_can_hold_in_a_hand_made_file_are_unknown_so_they_never_expire_and_are_listed_empty()
    {
        double milliseconds = Clock.UnixSeconds * 1000;
        CacheFileContent.Write(CacheFile, ("from another tool", CacheFileContent.EntryJson("\"answer\"", createdAt: milliseconds, lastAccessed: milliseconds)));
        DirectoryCache engine = NewEngine();

        CacheEntryInfo entry = Assert.Single(engine.ListEntries(Policy(ttlDays: 1)));

        Assert.Equal((null, null, null, false), (entry.Created, entry.LastAccessed, entry.Expires, entry.IsExpired));
        Assert.Equal("answer", Responses.Text(engine.Get("from another tool", Policy(ttlDays: 0))));
    }

    [Fact]
    public void A_legacy_entry_of_a_hand_made_file_without_created_at_never_expires()
    {
        CacheFileContent.Write(CacheFile, ("legacy question", CacheFileContent.EntryJson("\"legacy answer\"", createdAt: null, lastAccessed: null)));
        DirectoryCache engine = NewEngine();

        Clock.Advance(TimeSpan.FromDays(3650));

        Assert.Equal("legacy answer", Responses.Text(engine.Get("legacy question", Policy(ttlDays: 1))));
        Assert.Equal(0, engine.GetStatistics(Policy(ttlDays: 1)).ExpiredEntries);
        Assert.Equal(0, engine.RemoveExpired(Policy(ttlDays: 1)));
    }
}
