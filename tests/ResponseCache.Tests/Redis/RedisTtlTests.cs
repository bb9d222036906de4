using ResponseCache.Tests.Infrastructure;
using ResponseCache.Core;

namespace ResponseCache.Tests.Redis;

public sealed class RedisTtlTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void An_entry_older_than_the_ttl_is_a_miss_for_every_reader(string server)
    {
        string ns = NewNamespace();
        var writer = Open(server, ns);
        var reader = Open(server, ns);
        writer.Configure(null, null, ttlDays: 2, preview: false, NullCacheLog.Instance, CancellationToken.None);
        Set(writer, "k", "v");

        Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("v", Get(reader, "k"));
        Assert.Null(Get(reader, "k", CachePolicy.ForTtl(0.5)));

        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Null(Get(reader, "k"));
        Assert.Null(reader.GetOrAdd("k", Default, refresh: false, () => null, NullCacheLog.Instance, CancellationToken.None));
    }

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
    public void A_shorter_ttl_moves_the_expiry_of_entries_already_cached_and_remove_expired_counts_them(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var direct = Direct(server);
        Set(cache, "old", "1");
        Clock.Advance(TimeSpan.FromDays(2));
        Set(cache, "new", "2");

        Assert.Equal(1, cache.RemoveExpired(CachePolicy.ForTtl(1), NullCacheLog.Instance, CancellationToken.None));
        Assert.Null(Get(cache, "old"));
        Assert.Equal("2", Get(cache, "new"));

        cache.Configure(null, null, ttlDays: 1, preview: false, NullCacheLog.Instance, CancellationToken.None);
        TimeSpan left = direct.KeyTimeToLive("rc:{" + ns + "}:e:" + HashOf("new")) ?? TimeSpan.MaxValue;
        // Created two days after the real now (the fake clock's start), the entry now expires a day after that.
        Assert.InRange(left.TotalHours, 71.9, 72);
    }
}
