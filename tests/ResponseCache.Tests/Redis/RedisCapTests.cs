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
    public void A_hit_makes_an_entry_recent_so_the_least_recently_used_goes_first(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var other = Open(server, ns);
        var caps = new CachePolicy(maxEntries: 3);
        foreach (string key in new[] { "a", "b", "c" })
        {
            Set(cache, key, key, caps);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("a", Get(other, "a"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Set(cache, "d", "d", caps);

        Assert.Null(Get(cache, "b"));
        Assert.Equal(new[] { "c", "a", "d" }.Select(HashOf), KeyHashesOldestFirst(cache));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void The_size_cap_counts_the_entries_as_the_file_backend_does(string server)
    {
        string ns = NewNamespace();
        var cache = Open(server, ns);
        var log = new RecordingLog();
        long cap = 2 * (230 + 100);
        cache.Configure(null, cap, null, preview: false, NullCacheLog.Instance, CancellationToken.None);

        foreach (string key in new[] { "a", "b", "c" })
        {
            cache.SetMany(new[] { new KeyValuePair<string, byte[]>(key, Responses.OfSize(100)) }, Default, log, CancellationToken.None);
        }

        Assert.Equal(new[] { "b", "c" }.Select(HashOf), KeyHashesOldestFirst(cache));
        Assert.Empty(log.Warnings);
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("huge", Responses.OfSize(1000)) }, Default, log, CancellationToken.None);
        Assert.Equal(new[] { HashOf("huge") }, KeyHashesOldestFirst(cache));
        Assert.Contains("more than the whole size cap", Assert.Single(log.Warnings));
        Assert.Equal(Math.Round((230 + 1000) / 1024.0, 2), cache.GetStatistics(Default, NullCacheLog.Instance).CacheSizeKB);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Configuring_a_namespace_previews_then_evicts_and_leaves_other_namespaces_alone(string server)
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

        CacheConfigurationChange preview = cache.Configure(5, null, 3, preview: true, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal((5, 10, 100, 3.0, 7.0), (preview.Evicted, cache.ListEntries(Default, NullCacheLog.Instance).Count, preview.Previous.MaxEntries, preview.Current.TtlDays, cache.GetConfiguration(NullCacheLog.Instance).TtlDays));

        CacheConfigurationChange change = cache.Configure(5, null, 3, preview: false, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(5, change.Evicted);
        Assert.Equal(new CacheConfiguration(5, null, 3), Open(server, ns).GetConfiguration(NullCacheLog.Instance));
        Assert.Equal(Enumerable.Range(5, 5).Select(i => HashOf("k" + i)), KeyHashesOldestFirst(cache));
        Assert.Equal(CacheConfiguration.Default, neighbour.GetConfiguration(NullCacheLog.Instance));
        Assert.Equal(10, neighbour.ListEntries(Default, NullCacheLog.Instance).Count);

        Set(cache, "caps from a call", "x", new CachePolicy(maxEntries: 2));
        Assert.Equal(2, cache.GetStatistics(Default, NullCacheLog.Instance).TotalEntries);
        Assert.Equal(2, Open(server, ns).GetConfiguration(NullCacheLog.Instance).MaxEntries);
    }
}
