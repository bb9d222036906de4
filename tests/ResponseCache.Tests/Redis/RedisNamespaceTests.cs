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

    public static TheoryData<string, string> ServersAndNamespaceKeys()
    {
        var data = new TheoryData<string, string>();
        foreach (string server in RedisTestServers.Names)
        {
            foreach (string key in new[] { "lru", "exp", "sizes", "config" })
            {
                data.Add(server, key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ServersAndNamespaceKeys))]
    public void A_namespace_key_of_the_wrong_type_is_named_with_its_repair_and_clearing_the_namespace_repairs_it(string server, string suffix)
    {
        // Issue 22, item 6: a hand-written key of another type made the namespace CacheUnavailable ("WRONGTYPE") for good.
        string ns = NewNamespace();
        var cache = Open(server, ns);
        Set(cache, "k", "v");
        string broken = "rc:{" + ns + "}:" + suffix;
        var direct = Direct(server);
        direct.KeyDelete(broken);
        direct.StringSet(broken, "x");

        var refused = Assert.Throws<CacheUnavailableException>(() => Set(cache, "k2", "v2"));
        Assert.Contains(broken, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Clear-ResponseCache", refused.Message, StringComparison.Ordinal);

        var log = new RecordingLog();
        cache.Clear(log, CancellationToken.None);
        Set(cache, "k3", "v3");
        Assert.Equal("v3", Get(cache, "k3"));
        Assert.Equal(1, cache.GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Contains(log.Warnings, warning => warning.Contains(broken, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_write_gate_of_the_wrong_type_never_makes_changes_wait_and_clearing_the_namespace_repairs_it(string server)
    {
        // A trial of issue 22: a hash at the gate made every change wait out the gate timeout (10 s), then blame
        // "another process", never naming the key. Garnet keeps strings apart from hashes, so there the gate still works.
        string ns = NewNamespace();
        var cache = Open(server, ns);
        Set(cache, "k", "v");
        string gate = "rc:{" + ns + "}:gate";
        Direct(server).HashSet(gate, "x", "y");

        Exception? refused = Record.Exception(() => Set(cache, "k2", "v2"));
        if (refused is not null)
        {
            var unavailable = Assert.IsType<CacheUnavailableException>(refused);
            Assert.Contains(gate, unavailable.Message, StringComparison.Ordinal);
            Assert.Contains("Clear-ResponseCache", unavailable.Message, StringComparison.Ordinal);
        }

        cache.Clear(NullCacheLog.Instance, CancellationToken.None);
        Set(cache, "k3", "v3");
        Assert.Equal("v3", Get(cache, "k3"));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_listing_that_meets_an_entry_key_of_the_wrong_type_names_it_with_its_repair(string server)
    {
        // A trial of issue 22: Get-CacheEntry said only that "a key under rc:{ns}:" held another type.
        string ns = NewNamespace();
        var cache = Open(server, ns);
        Set(cache, "k", "v");
        Set(cache, "other", "w");
        string broken = "rc:{" + ns + "}:e:" + HashOf("k");
        Direct(server).StringSet(broken, "x");

        var refused = Assert.Throws<CacheUnavailableException>(() => cache.ListEntries(Default, NullCacheLog.Instance));
        Assert.Contains(broken, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Remove-CachedResponse", refused.Message, StringComparison.Ordinal);

        Assert.Equal(1, cache.RemoveMany(new[] { KeyHash.Compute("k") }, NullCacheLog.Instance, CancellationToken.None));
        Assert.Equal(new[] { HashOf("other") }, KeyHashesOldestFirst(cache));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_counter_key_of_the_wrong_type_leaves_hits_served_and_the_statistics_name_it(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        Set(cache, "k", "v");
        string broken = "rc:{" + ns + "}:stats";
        var direct = Direct(server);
        direct.KeyDelete(broken);
        direct.StringSet(broken, "x");
        var log = new RecordingLog();

        // What a hit records is sent after its read without waiting: its failure loses the count, never the hit.
        Assert.Equal("v", Infrastructure.Responses.Text(cache.Get("k", Default, log)));
        Assert.Equal("v", Infrastructure.Responses.Text(cache.Get("k", Default, log)));
        Assert.Empty(log.Warnings);

        var error = Assert.Throws<CacheUnavailableException>(() => cache.GetStatistics(Default, NullCacheLog.Instance));
        Assert.Contains(broken, error.Message, StringComparison.Ordinal);
        Assert.Contains("Clear-ResponseCache", error.Message, StringComparison.Ordinal);
        cache.Clear(NullCacheLog.Instance, CancellationToken.None);
        Set(cache, "k", "v");
        Assert.Equal("v", Get(cache, "k"));
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
        // A hit's counts are sent without waiting: another host sees them once they landed.
        one.Flush(NullCacheLog.Instance);

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
