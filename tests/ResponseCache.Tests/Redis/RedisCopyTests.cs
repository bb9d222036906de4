using ResponseCache.Tests.Infrastructure;
using ResponseCache.Core;

namespace ResponseCache.Tests.Redis;

public sealed class RedisCopyTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Export_then_import_keeps_times_and_recency_order_and_skips_expired_entries(string server)
    {
        var source = Open(server, NewNamespace());
        var target = Open(server, NewNamespace());
        source.Configure(null, null, ttlDays: 2, preview: false, NullCacheLog.Instance, CancellationToken.None);
        Set(source, "expires", "0");
        Clock.Advance(TimeSpan.FromDays(1));
        foreach (string key in new[] { "a", "b", "c" })
        {
            Set(source, key, key);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal("a", Get(source, "a"));
        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        IReadOnlyList<StoredResponse> exported = source.Export(NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(new[] { "b", "c", "a" }.Select(HashOf), exported.Select(entry => entry.Key.ToString()));
        Assert.Equal(3, target.Import(exported, NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(new[] { "b", "c", "a" }.Select(HashOf), KeyHashesOldestFirst(target));
        var before = source.ListEntries(Default, NullCacheLog.Instance).Where(entry => !entry.IsExpired).ToDictionary(entry => entry.KeyHash);
        foreach (CacheEntryInfo copied in target.ListEntries(Default, NullCacheLog.Instance))
        {
            CacheEntryInfo original = before[copied.KeyHash];
            Assert.Equal((original.Created, original.LastAccessed, original.Timestamp, original.TextLength, original.SizeBytes), (copied.Created, copied.LastAccessed, copied.Timestamp, copied.TextLength, copied.SizeBytes));
        }

        Assert.Equal("c", Get(target, "c"));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_large_import_keeps_the_most_recently_used_entries_within_the_cap(string server)
    {
        var target = Open(server, NewNamespace());
        target.Configure(1000, null, null, preview: false, NullCacheLog.Instance, CancellationToken.None);
        double now = Clock.Now.ToUnixTimeMilliseconds() / 1000.0;
        var entries = Enumerable.Range(0, 1200)
            .Select(i => new StoredResponse(KeyHash.Compute("k" + i), Infrastructure.Responses.Json("v" + i), now - 3600, now - 1200 + i, "2026-01-01 00:00:00", 2))
            .Reverse()
            .ToList();

        Assert.Equal(1200, target.Import(entries, NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(Enumerable.Range(200, 1000).Select(i => HashOf("k" + i)), KeyHashesOldestFirst(target));
    }
}
