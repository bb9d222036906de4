using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>Export and Import: what Copy-ResponseCache moves between caches, with the times that decide expiry and recency.</summary>
public abstract partial class CacheContract
{
    [ContractFact]
    public void Export_gives_the_fresh_entries_least_recently_used_first_with_their_times()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "old", "answer to old");
        Clock.Advance(TimeSpan.FromDays(2));
        double createdA = NowSeconds;
        SetOneSecondApart(cache, Default, "a", "b");
        Clock.Advance(TimeSpan.FromDays(3));
        Get(cache, "a");
        double hitA = NowSeconds;
        Clock.Advance(TimeSpan.FromDays(2));

        IReadOnlyList<StoredResponse> exported = Export(cache);

        // "old" is past the cache's 7 days; the others are not, and the hit made "a" the most recently used.
        Assert.Equal(Hashes("b", "a"), exported.Select(entry => entry.Key.ToString()));
        StoredResponse a = exported[1];
        Assert.Equal("answer to a", Responses.Text(a.ResponseJson));
        Assert.Equal(createdA, a.CreatedAt);
        Assert.Equal(hitA, a.LastAccessed!.Value, 3);
        Assert.Equal(1, a.TextLength);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)createdA).ToOffset(Clock.Now.Offset).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), a.Timestamp);
    }

    [ContractFact]
    public void Import_takes_an_entry_an_earlier_build_stored_deeper_than_the_cache_now_writes()
    {
        ICacheBackend cache = NewCache();
        byte[] deep = Responses.Nested(ResponseJson.MaxReadDepth);

        Import(cache, new StoredResponse(KeyHash.Compute("deep"), deep, NowSeconds, NowSeconds, null, 4));

        Assert.Equal(deep, cache.Get("deep", Default, NullCacheLog.Instance));
    }

    [ContractFact]
    public void Import_keeps_the_times_so_entries_expire_and_are_evicted_as_they_would_have_been()
    {
        ICacheBackend source = NewCache();
        SetOneSecondApart(source, Default, "a", "b", "c");
        Get(source, "a");
        IReadOnlyList<StoredResponse> exported = Export(source);
        Clock.Advance(TimeSpan.FromDays(1));

        ICacheBackend destination = NewCache();
        Set(destination, "newer", "already there");
        Assert.Equal(3, destination.Import(exported, NullCacheLog.Instance, CancellationToken.None));

        // Recency follows the copied access times, not the order of the copy: "b" is the least recently used.
        Assert.Equal(Hashes("b", "c", "a", "newer"), Listed(destination));
        Dictionary<string, CacheEntryInfo> before = source.ListEntries(Default, NullCacheLog.Instance).ToDictionary(entry => entry.KeyHash);
        foreach (CacheEntryInfo copied in SameCacheElsewhere(destination).ListEntries(Default, NullCacheLog.Instance).Take(3))
        {
            CacheEntryInfo original = before[copied.KeyHash];
            Assert.Equal((original.Created, original.LastAccessed, original.Timestamp, original.TextLength, original.SizeBytes), (copied.Created, copied.LastAccessed, copied.Timestamp, copied.TextLength, copied.SizeBytes));
        }

        Configure(destination, maxEntries: 3);
        Assert.Null(Get(destination, "b"));
        Clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromSeconds(2));
        Assert.Null(Get(destination, "c"));
        Assert.Equal("already there", Get(destination, "newer"));
    }

    [ContractFact]
    public void Import_replaces_entries_of_the_same_key()
    {
        ICacheBackend source = NewCache();
        Set(source, "a", "copied answer");
        ICacheBackend destination = NewCache();
        Set(destination, "a", "stale copy");

        Import(destination, Export(source).ToArray());

        Assert.Equal("copied answer", Get(SameCacheElsewhere(destination), "a"));
        Assert.Single(Listed(destination));
    }

    [ContractFact]
    public void A_large_import_keeps_the_most_recently_used_entries_within_the_cap()
    {
        ICacheBackend target = NewCache();
        Configure(target, maxEntries: 1000);
        double now = NowSeconds;
        StoredResponse[] entries = Enumerable.Range(0, 1200)
            .Select(i => new StoredResponse(KeyHash.Compute("k" + i), Responses.Json("v" + i), now - 3600, now - 1200 + i, "2026-01-01 00:00:00", 2))
            .Reverse()
            .ToArray();

        Assert.Equal(1200, Import(target, entries));

        Assert.Equal(Enumerable.Range(200, 1000).Select(i => HashOf("k" + i)), Listed(target));
    }

    [ContractFact]
    public void Import_skips_entries_already_expired_under_the_destinations_ttl_and_they_replace_nothing()
    {
        ICacheBackend destination = NewCache();
        Configure(destination, ttlDays: 1);
        Set(destination, "kept", "the destination's own");
        double now = NowSeconds;

        int stored = Import(
            destination,
            new StoredResponse(KeyHash.Compute("two days old"), Responses.Json("old"), now - (2 * 86400), now - 60, null, 12),
            new StoredResponse(KeyHash.Compute("kept"), Responses.Json("old copy"), now - (2 * 86400), now - 60, null, 4),
            new StoredResponse(KeyHash.Compute("an hour old"), Responses.Json("new"), now - 3600, now - 60, null, 11));

        Assert.Equal(1, stored);
        Assert.Equal(Hashes("an hour old", "kept"), Listed(SameCacheElsewhere(destination)));
        Assert.Null(Get(destination, "two days old", Fresh(30)));
        Assert.Equal("the destination's own", Get(destination, "kept"));
    }
}
