using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>What one process stores the others read; removal, clear and the statistics each process keeps.</summary>
public abstract partial class CacheContract
{
    /// <remarks>Another process reads the same JSON value; a directory cache, reading it from its file, may write its escapes differently.</remarks>
    [ContractFact]
    public void A_response_reads_back_byte_for_byte_and_as_the_same_value_in_every_process()
    {
        ICacheBackend cache = NewCache();
        byte[] json = Encoding.UTF8.GetBytes("{\"answer\":[1,2.5,\"z\\u00e9\\ud83d\\ude00\",null,true],\"nested\":{\"a\":{}}}");

        Set(cache, "prompt \ud83d\ude00 é", json);

        Assert.Equal(json, cache.Get("prompt \ud83d\ude00 é", Default, NullCacheLog.Instance));
        Assert.Equal(Canonical(json), Canonical(SameCacheElsewhere(cache).Get("prompt \ud83d\ude00 é", Default, NullCacheLog.Instance)));
        Assert.Null(cache.Get("another prompt", Default, NullCacheLog.Instance));
    }

    private static string Canonical(byte[]? json)
    {
        Assert.NotNull(json);
        using System.Text.Json.JsonDocument document = System.Text.Json.JsonDocument.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(document.RootElement);
    }

    [ContractFact]
    public void Each_process_reads_what_another_stored_and_lists_it_with_its_metadata()
    {
        ICacheBackend first = NewCache();
        ICacheBackend second = SameCacheElsewhere(first);
        Get(first, "warm up");
        Get(second, "warm up");

        Set(first, "prompt \ud83d\ude00", "answer");
        Set(second, "from second", "2");

        Assert.Equal("answer", Get(second, "prompt \ud83d\ude00"));
        Assert.Equal("2", Get(first, "from second"));
        CacheEntryInfo entry = second.ListEntries(Default, NullCacheLog.Instance).Single(listed => listed.KeyHash == HashOf("prompt \ud83d\ude00"));
        Assert.Equal(2 + 6, entry.TextLength);
        Assert.Equal(EntryOverheadBytes + Responses.Json("answer").Length, entry.SizeBytes);
        Assert.Equal(Clock.Now.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), entry.Timestamp);
        Assert.Equal(Clock.Now.UtcDateTime, entry.Created!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(second.Location, entry.Location);
    }

    [ContractFact]
    public void Removal_by_hash_counts_only_entries_that_were_there_and_every_process_then_misses_them()
    {
        ICacheBackend cache = NewCache();
        ICacheBackend other = SameCacheElsewhere(cache);
        foreach (string key in new[] { "a", "b", "c" })
        {
            Set(cache, key, "answer to " + key);
        }

        Assert.NotNull(Get(other, "a"));

        Assert.Equal(2, cache.RemoveMany(new[] { KeyHash.Compute("a"), KeyHash.Compute("c"), KeyHash.Compute("never stored") }, NullCacheLog.Instance, CancellationToken.None));
        Assert.Equal(0, cache.RemoveMany(new[] { KeyHash.Compute("a") }, NullCacheLog.Instance, CancellationToken.None));

        Assert.Null(Get(other, "a"));
        Assert.Equal(Hashes("b"), Listed(other));
    }

    /// <summary>Two keys whose hashes share their first eight digits (b3de1bbe), as the short form shows them.</summary>
    private const string Twin = "twin 117425";
    private const string OtherTwin = "twin 119165";

    [ContractFact]
    public void A_key_hash_prefix_names_the_one_entry_whose_hash_starts_with_it_in_every_process()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, Twin, OtherTwin, "unrelated");
        ICacheBackend other = SameCacheElsewhere(cache);

        Assert.Equal(KeyHash.Compute(Twin), other.FindKeyHash(Prefix(HashOf(Twin).Substring(0, 9).ToUpperInvariant()), NullCacheLog.Instance));
        Assert.Equal(KeyHash.Compute("unrelated"), other.FindKeyHash(Prefix(HashOf("unrelated").Substring(0, 8)), NullCacheLog.Instance));
        Assert.Equal(KeyHash.Compute(OtherTwin), other.FindKeyHash(Prefix(HashOf(OtherTwin)), NullCacheLog.Instance));
        Assert.Null(other.FindKeyHash(Prefix(HashOf("never stored").Substring(0, 8)), NullCacheLog.Instance));
    }

    [ContractFact]
    public void A_key_hash_prefix_that_several_entries_start_with_is_refused_with_each_of_their_hashes()
    {
        ICacheBackend cache = NewCache();
        SetOneSecondApart(cache, Default, Twin, "unrelated", OtherTwin);

        AmbiguousKeyHashException refused = Assert.Throws<AmbiguousKeyHashException>(() => cache.FindKeyHash(Prefix("B3DE1BBE"), NullCacheLog.Instance));

        Assert.Equal(Hashes(Twin, OtherTwin), refused.Matches.Select(hash => hash.ToString()).ToList());
        Assert.Contains(HashOf(Twin), refused.Message);
        Assert.Contains(HashOf(OtherTwin), refused.Message);
        Assert.Contains(cache.Location, refused.Message);
        Assert.Equal(3, Listed(cache).Count);
    }

    private static KeyHashPrefix Prefix(string digits)
    {
        Assert.True(KeyHashPrefix.TryParse(digits, out KeyHashPrefix prefix));
        return prefix;
    }

    [ContractFact]
    public void Clear_removes_every_entry_and_every_process_then_sees_none()
    {
        ICacheBackend cache = NewCache();
        ICacheBackend other = SameCacheElsewhere(cache);
        Set(cache, "a", "1");
        Set(cache, "b", "2");
        Assert.Equal(2, Stats(other).TotalEntries);

        Assert.Equal(2, cache.Clear(NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(0, Stats(other).TotalEntries);
        Assert.Null(Get(other, "a"));
        Assert.Equal(0, cache.Clear(NullCacheLog.Instance, CancellationToken.None));
        Set(other, "after", "3");
        Assert.Equal(Hashes("after"), Listed(cache));
    }

    [ContractFact]
    public void Hits_misses_and_hit_ratio_count_each_lookup()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");

        Get(cache, "question");
        Get(cache, "question");
        Get(cache, "question");
        Get(cache, "unknown");

        CacheStatistics stats = Stats(cache);
        Assert.Equal((3L, 1L, 0.75), (stats.Hits, stats.Misses, stats.HitRatio));
    }

    [ContractFact]
    public void A_get_or_add_counts_once_a_hit_when_cached_and_a_miss_when_it_produced()
    {
        ICacheBackend cache = NewCache();

        GetOrAdd(cache, "made", () => Responses.Json("x"));
        GetOrAdd(cache, "made", () => throw new InvalidOperationException("cached"));
        GetOrAdd(cache, "nothing", () => null);

        CacheStatistics stats = Stats(cache);
        Assert.Equal((1L, 2L), (stats.Hits, stats.Misses));
    }

    [ContractFact]
    public void The_hit_ratio_is_zero_before_any_lookup_and_storing_is_not_a_lookup()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", "answer");

        CacheStatistics stats = Stats(cache);

        Assert.Equal((0L, 0L, 0.0), (stats.Hits, stats.Misses, stats.HitRatio));
    }

    [ContractFact]
    public void Each_process_counts_only_its_own_lookups()
    {
        ICacheBackend first = NewCache();
        ICacheBackend second = SameCacheElsewhere(first);
        Set(first, "question", "answer");

        Get(first, "question");
        Get(second, "unknown");

        Assert.Equal((1L, 0L), (Stats(first).Hits, Stats(first).Misses));
        Assert.Equal((0L, 1L), (Stats(second).Hits, Stats(second).Misses));
        Assert.Equal(1, Stats(second).TotalEntries);
    }

    [ContractFact]
    public void Statistics_show_the_caches_configuration_whichever_process_set_it()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "a", "1");
        Set(cache, "b", "2");
        Configure(SameCacheElsewhere(cache), maxEntries: 42, maxBytes: CacheConfiguration.BytesFromMB(1.5), ttlDays: 2.5);

        CacheStatistics stats = Stats(cache, Fresh(1));

        Assert.Equal(2, stats.TotalEntries);
        Assert.Equal((42, (double?)1.5, 2.5), (stats.MaxEntries, stats.MaxSizeMB, stats.TtlDays));
        Assert.Equal(cache.Location, stats.Location);
    }
}
