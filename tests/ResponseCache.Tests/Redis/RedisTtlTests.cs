using ResponseCache.Tests.Infrastructure;
using ResponseCache.Core;

namespace ResponseCache.Tests.Redis;

/// <summary>The server's own expiry of entries. The TTL rules themselves are in Contract/CacheContract.Ttl.cs.</summary>
public sealed class RedisTtlTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    /// <summary>How long after an entry expires the server drops it by itself (about_ResponseCache: a day).</summary>
    private static readonly TimeSpan ExpiredEntryGrace = TimeSpan.FromDays(1);

    [Theory]
    [MemberData(nameof(Servers))]
    public void Redis_drops_the_entry_a_grace_after_creation_plus_ttl_and_reads_never_extend_it(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        Set(cache, "k", "v");
        var entryKey = "rc:{" + ns + "}:e:" + HashOf("k");
        DateTimeOffset expected = Clock.Now + TimeSpan.FromDays(CacheConfiguration.DefaultTtlDays) + ExpiredEntryGrace;

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
        Assert.InRange(left.TotalHours - ExpiredEntryGrace.TotalHours, 71.9, 72);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void An_expired_entry_stays_on_the_server_until_a_write_counts_its_hits_in_the_ledger(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        var entryKey = "rc:{" + ns + "}:e:" + HashOf("short-lived");
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("short-lived", Responses.Json("v")) }, Default, NullCacheLog.Instance, CancellationToken.None, new EntryOptions(expiresAfter: TimeSpan.FromHours(1)));
        Assert.Equal("v", Get(cache, "short-lived"));
        Assert.Equal("v", Get(cache, "short-lived"));
        cache.Flush(NullCacheLog.Instance);

        // Had the server dropped the key at the entry's end, its two hits would have left the totals with it.
        TimeSpan left = direct.KeyTimeToLive(entryKey) ?? throw new InvalidOperationException("The entry has no expiry.");
        Assert.InRange(left.TotalHours, ExpiredEntryGrace.TotalHours + 0.99, ExpiredEntryGrace.TotalHours + 1);
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(Get(cache, "short-lived"));
        Set(cache, "later", "w");

        Assert.False(direct.KeyExists(entryKey), "The write did not remove the expired entry.");
        Assert.Equal(2, cache.GetStatistics(Default, NullCacheLog.Instance).EntryHits);
    }
}
