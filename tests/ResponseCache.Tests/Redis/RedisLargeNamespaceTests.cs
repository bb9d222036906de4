using System.Diagnostics;
using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis;

/// <summary>
/// A namespace too big to list, or a batch too big to store, within the short timeout that keeps lookups quick: found
/// by stopping a large pipeline with Ctrl+C and asking Get-CacheStats what it had kept.
/// </summary>
public sealed class RedisLargeNamespaceTests : RedisTestBase
{
    private const int Entries = 20_000;

    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Listings_and_big_batches_are_not_held_to_the_lookup_timeout(string server)
    {
        string ns = NewNamespace();
        ICacheBackend filler = Open(server, ns);
        var roomy = new CachePolicy(maxEntries: Entries * 2);
        for (int start = 0; start < Entries; start += 2000)
        {
            filler.SetMany(Enumerable.Range(start, 2000).Select(i => new KeyValuePair<string, byte[]>("key " + i, Responses.Json("answer " + i))).ToList(), roomy, NullCacheLog.Instance, CancellationToken.None);
        }

        // Lookups give up after a millisecond here; listing 20,000 entries and storing 2,000 take longer than that.
        ICacheBackend impatient = OpenAt(RedisTestServers.Get(server).Endpoint + ",connectTimeout=5000", ns, options => options.Timeout = TimeSpan.FromMilliseconds(1));
        CacheStatistics statistics = Eventually(() => impatient.GetStatistics(Default, NullCacheLog.Instance));
        impatient.SetMany(Enumerable.Range(Entries, 2000).Select(i => new KeyValuePair<string, byte[]>("key " + i, Responses.Json("answer " + i))).ToList(), Default, NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(Entries, statistics.TotalEntries);
        Assert.Equal(Entries + 2000, impatient.ListEntries(Default, NullCacheLog.Instance).Count);
    }

    /// <summary>The first calls on a new connection fail fast until it is connected.</summary>
    private static T Eventually<T>(Func<T> call)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return call();
            }
            catch (CacheUnavailableException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(100);
            }
        }
    }
}
