using ResponseCache.Tests.Infrastructure;
using ResponseCache.Core;

namespace ResponseCache.Tests.Redis;

/// <summary>The server's own expiry of entries. The TTL rules themselves are in Contract/CacheContract.Ttl.cs.</summary>
public sealed class RedisTtlTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Redis_expires_the_entry_at_creation_plus_ttl_and_reads_never_extend_it(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        Set(cache, "k", "v");
        var entryKey = "rc:{" + ns + "}:e:" + HashOf("k");
        DateTimeOffset expected = Clock.Now + TimeSpan.FromDays(CacheConfiguration.DefaultTtlDays);

        TimeSpan before = direct.KeyTimeToLive(entryKey) ?? throw new InvalidOperationException("The entry has no expiry.");
        Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal("v", Get(cache, "k"));
        TimeSpan after = direct.KeyTimeToLive(entryKey) ?? throw new InvalidOperationException("The hit removed the expiry.");

        // The expiry is absolute: what is left of it runs on the server's clock, which the fake clock started at.
        Assert.Equal((expected - DateTimeOffset.Now).TotalSeconds, before.TotalSeconds, 5.0);
        Assert.True(after <= before, $"A hit extended the expiry from {before} to {after}.");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_shorter_ttl_moves_the_servers_expiry_of_entries_already_cached(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        Set(cache, "old", "1");
        Clock.Advance(TimeSpan.FromDays(2));
        Set(cache, "new", "2");

        cache.Configure(null, null, ttlDays: 1, preview: false, NullCacheLog.Instance, CancellationToken.None);

        Assert.False(direct.KeyExists("rc:{" + ns + "}:e:" + HashOf("old")), "An entry the new TTL puts in the past is still on the server.");
        TimeSpan left = direct.KeyTimeToLive("rc:{" + ns + "}:e:" + HashOf("new")) ?? TimeSpan.MaxValue;
        // Created two days after the real now (the fake clock's start), the entry now expires a day after that.
        Assert.InRange(left.TotalHours, 71.9, 72);
    }
}
