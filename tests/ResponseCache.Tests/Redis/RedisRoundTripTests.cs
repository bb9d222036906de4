using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis;

public sealed class RedisRoundTripTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_response_reads_back_byte_for_byte(string server)
    {
        var cache = Open(server, NewNamespace());
        byte[] json = Encoding.UTF8.GetBytes("{\"answer\":[1,2.5,\"z\\u00e9\\ud83d\\ude00\",null,true],\"nested\":{\"a\":{}}}");

        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("prompt \ud83d\ude00 é", json) }, Default, NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(json, cache.Get("prompt \ud83d\ude00 é", Default, NullCacheLog.Instance));
        Assert.Null(cache.Get("another prompt", Default, NullCacheLog.Instance));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Another_process_reads_what_one_wrote_and_the_entry_keeps_its_metadata(string server)
    {
        string ns = NewNamespace();
        var writer = Open(server, ns);
        var reader = Open(server, ns);

        Set(writer, "prompt \ud83d\ude00", "answer");

        Assert.Equal("answer", Get(reader, "prompt \ud83d\ude00"));
        CacheEntryInfo entry = Assert.Single(reader.ListEntries(Default, NullCacheLog.Instance));
        Assert.Equal(HashOf("prompt \ud83d\ude00"), entry.KeyHash);
        Assert.Equal(2 + 6, entry.TextLength);
        Assert.Equal(230 + Responses.Json("answer").Length, entry.SizeBytes);
        Assert.Equal(UnixTimeText(Clock.Now), entry.Timestamp);
        Assert.Equal(Clock.Now.UtcDateTime, entry.Created!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Null(entry.CacheFile);
        Assert.Equal(reader.Location, entry.Location);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Get_or_add_caches_what_the_producer_returns_and_nothing_for_null(string server)
    {
        var cache = Open(server, NewNamespace());
        int runs = 0;

        byte[]? first = cache.GetOrAdd("q", Default, refresh: false, () => { runs++; return Responses.Json("a1"); }, NullCacheLog.Instance, CancellationToken.None);
        byte[]? second = cache.GetOrAdd("q", Default, refresh: false, () => { runs++; return Responses.Json("a2"); }, NullCacheLog.Instance, CancellationToken.None);
        byte[]? nothing = cache.GetOrAdd("n", Default, refresh: false, () => { runs++; return null; }, NullCacheLog.Instance, CancellationToken.None);
        byte[]? refreshed = cache.GetOrAdd("q", Default, refresh: true, () => { runs++; return Responses.Json("a3"); }, NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(("a1", "a1", (string?)null, "a3"), (Responses.Text(first), Responses.Text(second), Responses.Text(nothing), Responses.Text(refreshed)));
        Assert.Equal(3, runs);
        Assert.Null(cache.Get("n", Default, NullCacheLog.Instance));
        Assert.Equal("a3", Get(cache, "q"));
    }

    private static string UnixTimeText(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
