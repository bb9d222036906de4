using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis;

public sealed class RedisCapTests : RedisTestBase
{
    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(Servers))]
    public void Many_writers_on_separate_connections_never_leave_more_entries_than_the_cap(string server)
    {
        const int Cap = 20;
        const int Writers = 4;
        const int KeysPerWriter = 90;
        string ns = NewNamespace();
        var writers = Enumerable.Range(0, Writers).Select(_ => Open(server, ns)).ToList();
        writers[0].Configure(Cap, null, null, preview: false, NullCacheLog.Instance, CancellationToken.None);
        var direct = Direct(server);
        int maxSeen = 0;
        using var done = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                maxSeen = Math.Max(maxSeen, (int)direct.SortedSetLength("rc:{" + ns + "}:lru"));
            }
        });
        watcher.Start();

        Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, w =>
        {
            for (int i = 0; i < KeysPerWriter; i += 3)
            {
                var batch = Enumerable.Range(i, 3).Select(k => new KeyValuePair<string, byte[]>($"w{w}-k{k}", Responses.Json($"{w}/{k}"))).ToList();
                writers[w].SetMany(batch, Default, NullCacheLog.Instance, CancellationToken.None);
            }
        });
        done.Cancel();
        Assert.True(watcher.Join(TimeSpan.FromSeconds(30)));

        Assert.Equal(Cap, writers[1].GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Equal(Cap, EntryKeysOnServer(direct, ns));
        Assert.InRange(maxSeen, 1, Cap);
        // Each writer writes its keys in order, so of each writer's keys only its most recent ones may survive.
        var survivors = KeyHashesOldestFirst(writers[0]).ToHashSet();
        for (int w = 0; w < Writers; w++)
        {
            bool[] kept = Enumerable.Range(0, KeysPerWriter).Select(k => survivors.Contains(HashOf($"w{w}-k{k}"))).ToArray();
            int firstKept = Array.IndexOf(kept, true);
            Assert.True(firstKept < 0 || kept.Skip(firstKept).All(k => k), $"Writer {w} kept an older key after evicting a newer one.");
        }
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Statistics_give_the_size_the_entries_count_against_the_size_cap_and_no_file(string server)
    {
        var cache = Open(server, NewNamespace());

        Set(cache, "a", "answer");
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("huge", Responses.OfSize(1000)) }, Default, NullCacheLog.Instance, CancellationToken.None);

        long entries = (230 + Responses.Json("answer").Length) + (230 + 1000);
        Assert.Equal(Math.Round(entries / 1024.0, 2), cache.GetStatistics(Default, NullCacheLog.Instance).CacheSizeKB);
        Assert.Null(cache.GetStatistics(Default, NullCacheLog.Instance).CacheFile);
        Assert.All(cache.ListEntries(Default, NullCacheLog.Instance), entry => Assert.Equal((null, null), (entry.CacheFile, entry.Path)));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Configuring_a_namespace_leaves_other_namespaces_alone(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var neighbour = Open(server, NewNamespace());
        for (int i = 0; i < 10; i++)
        {
            Set(cache, "k" + i, "v" + i);
            Set(neighbour, "k" + i, "v" + i);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, cache.Configure(5, null, 3, preview: false, NullCacheLog.Instance, CancellationToken.None).Evicted);
        Set(cache, "caps from a call", "x", new CachePolicy(maxEntries: 2));

        Assert.Equal(2, cache.GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Equal(CacheConfiguration.Default, neighbour.GetConfiguration(NullCacheLog.Instance));
        Assert.Equal(10, neighbour.ListEntries(Default, NullCacheLog.Instance).Count);
    }
}
