using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

/// <summary>
/// A hit is answered by one read; what it records (recency, its own and the shared hit count) is sent after it without
/// waiting, and lands before the server answers the connection's next command.
/// </summary>
public sealed class RedisHitRecordTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void What_hits_record_is_on_the_server_for_every_host_once_the_cache_is_flushed(string server)
    {
        string ns = NewNamespace();
        var reader = Open(server, ns);
        Set(reader, "a", "answer to a");
        Set(reader, "b", "answer to b");
        IDatabase direct = Direct(server);

        Get(reader, "a");
        Get(reader, "a");
        Get(reader, "missing");
        reader.Flush(NullCacheLog.Instance);

        Assert.Equal(2, (long)direct.HashGet("rc:{" + ns + "}:e:" + HashOf("a"), "hits"));
        Assert.Equal((2L, 1L), ((long)direct.HashGet("rc:{" + ns + "}:stats", "hits"), (long)direct.HashGet("rc:{" + ns + "}:stats", "misses")));
        Assert.Equal(new[] { HashOf("b"), HashOf("a") }, direct.SortedSetRangeByRank("rc:{" + ns + "}:lru").Select(member => (string)member!));
    }
}
