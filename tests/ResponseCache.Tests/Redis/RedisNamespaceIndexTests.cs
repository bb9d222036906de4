using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

/// <summary>The server's index of namespaces, rc:namespaces, which -Namespace completion reads instead of scanning keys.</summary>
public sealed class RedisNamespaceIndexTests : RedisTestBase
{
    private const string IndexKey = "rc:namespaces";

    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_namespace_is_listed_once_it_is_written_configured_or_imported_into_and_not_before(string server)
    {
        IDatabase direct = Direct(server);
        string written = NewNamespace(), configured = NewNamespace(), imported = NewNamespace(), onlyRead = NewNamespace();

        var caches = new[] { written, configured, imported, onlyRead }.Select(name => Open(server, name)).ToList();

        Set(caches[0], "k", "v");
        caches[1].Configure(maxEntries: 10);
        caches[2].Import(new[] { new StoredResponse(KeyHash.Compute("k"), Responses.Json("v"), null, null, null, null) });
        caches.ForEach(Settle);

        Assert.Equal(
            new[] { true, true, true, false },
            new[] { written, configured, imported, onlyRead }.Select(name => IsListed(direct, name)));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_cleared_namespace_leaves_the_index_and_is_listed_again_by_the_next_write_from_any_process(string server)
    {
        string ns = NewNamespace();
        var one = Open(server, ns);
        var two = Open(server, ns);
        IDatabase direct = Direct(server);
        Set(one, "a", "v");
        Set(two, "b", "v");

        two.Clear(NullCacheLog.Instance, CancellationToken.None);
        bool listedAfterClear = IsListed(direct, ns);
        // The first process listed the namespace before the clear; its write after it must list it again.
        Set(one, "c", "v");
        Settle(one);

        Assert.Equal((false, true), (listedAfterClear, IsListed(direct, ns)));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void The_listing_reads_the_index_in_order_without_members_that_are_no_namespace(string server)
    {
        string prefix = NewNamespace();
        foreach (string name in new[] { prefix + "-b", prefix + "-B", prefix + "-a" })
        {
            var cache = Open(server, name);
            Set(cache, "k", "v");
            Settle(cache);
        }

        IDatabase direct = Direct(server);
        direct.SetAdd(IndexKey, prefix + " not a namespace");
        direct.SetAdd(IndexKey, prefix + "{braced}");

        IReadOnlyList<string> listed = RedisCaches.ListNamespaces(RedisTestServers.Get(server).Endpoint, null, null, TimeSpan.FromSeconds(5));

        Assert.Equal(new[] { prefix + "-B", prefix + "-a", prefix + "-b" }, listed.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)));
    }

    // The index is written without waiting for the answer: a lookup on the same connection comes back after the
    // server has run what was sent before it.
    private static void Settle(ICacheBackend cache) => Get(cache, "settle");

    // The index is read as a user's redis-cli would: SISMEMBER on the key about_ResponseCache names.
    private static bool IsListed(IDatabase direct, string @namespace) => direct.SetContains(IndexKey, @namespace);
}
