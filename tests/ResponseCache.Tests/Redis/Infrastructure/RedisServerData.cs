namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// Theory data over the shared servers, by name, so each server is its own test case and the results say which ran:
/// [Theory, MemberData(nameof(RedisServerData.All), MemberType = typeof(RedisServerData))] void T(string server)
/// { var redis = RedisTestServers.Get(server); ... }
/// </summary>
public static class RedisServerData
{
    public static TheoryData<string> All => new(RedisTestServers.Names);

    /// <summary>The server kinds, for tests that start a private server of each: RedisTestServers.StartPrivate(kind).</summary>
    public static TheoryData<RedisServerKind> Kinds => new(RedisTestServers.Kinds);
}
