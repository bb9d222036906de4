using ResponseCache.Tests.Infrastructure;
using ResponseCache.Core;
using ResponseCache.Redis;

namespace ResponseCache.Tests.Redis;

public sealed class RedisNamespaceTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Clear_remove_and_statistics_act_on_their_namespace_alone(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var neighbour = Open(server, NewNamespace());
        var direct = Direct(server);
        string foreign = "other:key:" + ns;
        direct.StringSet(foreign, "not ours");
        foreach (string key in new[] { "a", "b", "c" })
        {
            Set(cache, key, "mine");
            Set(neighbour, key, "theirs");
        }

        Assert.Equal(1, cache.RemoveMany(new[] { KeyHash.Compute("a") }, NullCacheLog.Instance, CancellationToken.None));
        Assert.Equal(2, cache.GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Equal(2, cache.Clear(NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(0, cache.GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Equal(0, EntryKeysOnServer(direct, ns));
        Assert.Equal(new[] { "theirs", "theirs", "theirs" }, new[] { "a", "b", "c" }.Select(key => Get(neighbour, key)));
        Assert.Equal("not ours", (string?)direct.StringGet(foreign));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Shared_counters_add_up_every_process_while_each_process_counts_its_own(string server)
    {
        string ns = NewNamespace();
        var one = Open(server, ns);
        var two = Open(server, ns);
        Set(one, "k", "v");

        Get(one, "k");
        Get(two, "k");
        Get(two, "missing");
        two.GetOrAdd("made", Default, refresh: false, () => Infrastructure.Responses.Json("x"), NullCacheLog.Instance, CancellationToken.None);
        two.GetOrAdd("made", Default, refresh: false, () => throw new InvalidOperationException("cached"), NullCacheLog.Instance, CancellationToken.None);

        CacheStatistics stats = two.GetStatistics(Default, NullCacheLog.Instance);
        Assert.Equal((2L, 2L), (stats.Hits, stats.Misses));
        Assert.Equal((3L, 2L), (stats.SharedHits, stats.SharedMisses));
        Assert.Equal((1L, 0L), (one.GetStatistics(Default, NullCacheLog.Instance).Hits, one.GetStatistics(Default, NullCacheLog.Instance).Misses));
        Assert.Equal(two.Location, stats.Location);
        Assert.Null(stats.CacheFile);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("tab\there")]
    [InlineData("{braces}")]
    [InlineData("line\nbreak")]
    public void A_namespace_that_could_escape_its_keys_is_refused(string @namespace)
    {
        Assert.Throws<ArgumentException>(() => RedisCaches.Open("127.0.0.1:1", @namespace));
    }

    [Fact]
    public void A_namespace_may_be_128_characters_long_but_not_more()
    {
        Assert.Throws<ArgumentException>(() => RedisCaches.Open("127.0.0.1:1", new string('n', 129)));
        Assert.Equal("redis://127.0.0.1:1 namespace '" + new string('n', 128) + "'", RedisCaches.Open("127.0.0.1:1,connectTimeout=100", new string('n', 128)).Location);
    }
}
