using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

public sealed class RedisClusterTests : RedisTestBase
{
    [Theory]
    [MemberData(nameof(RedisServerData.Kinds), MemberType = typeof(RedisServerData))]
    public void A_namespace_works_on_a_one_node_cluster_with_all_its_keys_in_one_slot(RedisServerKind kind)
    {
        using RedisTestServer host = RedisTestServers.StartPrivate(kind, new RedisServerOptions { Cluster = true });
        string ns = NewNamespace();
        var cache = OpenAt(host.Endpoint, ns);
        var other = OpenAt(host.Endpoint, ns);

        cache.SetMany(new[] { "a", "b", "c" }.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json(key))).ToList(), new CachePolicy(maxEntries: 2), NullCacheLog.Instance, CancellationToken.None);
        byte[]? produced = other.GetOrAdd("d", Default, refresh: false, () => Responses.Json("d"), NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(("d", "c", (string?)null), (Responses.Text(produced), Get(other, "c"), Get(other, "a")));
        IServer server = DirectAt(host.Endpoint).Multiplexer.GetServer(host.Endpoint);
        Assert.True(server.ServerType == ServerType.Cluster, "The server is not in cluster mode.");
        var slots = server.Keys(pattern: "rc:{" + ns + "}:*").Select(key => server.Multiplexer.HashSlot(key)).Distinct().ToList();
        Assert.True(slots.Count == 1, $"The namespace's keys are spread over {slots.Count} slots.");
        Assert.Equal(2, cache.Clear(NullCacheLog.Instance, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(RedisServerData.Kinds), MemberType = typeof(RedisServerData))]
    public void The_index_of_namespaces_lives_in_a_slot_of_its_own_and_follows_writes_and_clears(RedisServerKind kind)
    {
        using RedisTestServer host = RedisTestServers.StartPrivate(kind, new RedisServerOptions { Cluster = true });
        string ns = NewNamespace();
        var cache = OpenAt(host.Endpoint, ns);
        Set(cache, "a", "v");
        // A lookup on the same connection answers after the index write sent without waiting.
        Get(cache, "a");
        IReadOnlyList<string> written = RedisCaches.ListNamespaces(host.Endpoint, null, null, TimeSpan.FromSeconds(5));

        cache.Clear(NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(new[] { ns }, written);
        Assert.Empty(RedisCaches.ListNamespaces(host.Endpoint, null, null, TimeSpan.FromSeconds(5)));
    }
}
