using System.Text;
using ResponseCache.Core;

namespace ResponseCache.Tests.Contract;

/// <summary>
/// The cache's savings ledger: what entries gone from the cache (removed, evicted, expired, cleared, replaced) saved
/// keeps counting in the totals, and hits add up per model per UTC day, kept for a bounded number of days.
/// </summary>
public abstract partial class CacheContract
{
    private static (long Hits, long Input, long Output, TimeSpan Time, double? Cost) Totals(ICacheBackend cache)
    {
        CacheStatistics statistics = cache.GetStatistics(Default, NullCacheLog.Instance);
        return (statistics.EntryHits, statistics.SavedInputTokens, statistics.SavedOutputTokens, statistics.SavedProducerTime, statistics.SavedCost is double cost ? Math.Round(cost, 12) : null);
    }

    private static void Hit(ICacheBackend cache, string key, int times)
    {
        for (int hit = 0; hit < times; hit++)
        {
            Assert.NotNull(cache.Get(key, Default, NullCacheLog.Instance));
        }

        cache.Flush(NullCacheLog.Instance);
    }

    [ContractFact]
    public void Entries_removed_evicted_expired_cleared_or_replaced_keep_counting_in_the_totals()
    {
        ICacheBackend cache = NewCache();
        cache.SetPrices(new[] { Gpt4o }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);
        Set(cache, "removed", Encoding.UTF8.GetBytes(OpenAiChat));
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("tagged", Encoding.UTF8.GetBytes(Anthropic)) }, Default, NullCacheLog.Instance, CancellationToken.None, new EntryOptions(new[] { "old-template" }));
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("short-lived", Encoding.UTF8.GetBytes(Ollama)) }, Default, NullCacheLog.Instance, CancellationToken.None, new EntryOptions(expiresAfter: TimeSpan.FromHours(1)));
        Set(cache, "replaced", Encoding.UTF8.GetBytes(Gemini));
        Set(cache, "evicted", Encoding.UTF8.GetBytes(OpenAiResponses));
        Set(cache, "cleared", Encoding.UTF8.GetBytes(OpenAiChat));
        Hit(cache, "evicted", 1);
        Hit(cache, "removed", 2);
        Hit(cache, "tagged", 1);
        Hit(cache, "short-lived", 3);
        Hit(cache, "replaced", 1);
        Hit(cache, "cleared", 1);
        var before = Totals(SameCacheElsewhere(cache));
        Assert.Equal(9, before.Hits);
        Assert.Equal((3 * 120 * 2.50 + 3 * 30 * 10.00) / 1_000_000, before.Cost!.Value, 12);

        cache.RemoveMany(new[] { KeyHash.Compute("removed") }, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
        cache.RemoveTagged(new[] { "old-template" }, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, RemoveExpired(cache));
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
        Set(cache, "replaced", "a newer answer");
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
        Configure(cache, maxEntries: 2);
        Assert.DoesNotContain(HashOf("evicted"), Listed(cache));
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
        cache.Clear(NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(before, Totals(SameCacheElsewhere(cache)));
    }

    [ContractFact]
    public void Clearing_with_reset_savings_starts_the_account_anew()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", Encoding.UTF8.GetBytes(OpenAiChat));
        Set(cache, "gone", Encoding.UTF8.GetBytes(Anthropic));
        Hit(cache, "question", 2);
        Hit(cache, "gone", 1);
        cache.RemoveMany(new[] { KeyHash.Compute("gone") }, NullCacheLog.Instance, CancellationToken.None);

        cache.Clear(NullCacheLog.Instance, CancellationToken.None, resetSavings: true);

        ICacheBackend elsewhere = SameCacheElsewhere(cache);
        Assert.Equal((0L, 0L, 0L, TimeSpan.Zero, (double?)null), Totals(elsewhere));
        Assert.Empty(elsewhere.GetSavings(null, null, NullCacheLog.Instance));
    }

    [ContractFact]
    public void Savings_are_given_per_model_per_utc_day_the_hits_happened_and_outlive_their_entries()
    {
        ICacheBackend cache = NewCache();
        cache.SetPrices(new[] { Gpt4o }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);
        Set(cache, "openai", Encoding.UTF8.GetBytes(OpenAiChat));
        Set(cache, "anthropic", Encoding.UTF8.GetBytes(Anthropic));
        Set(cache, "text", "no usage");
        DateTime firstDay = Clock.Now.UtcDateTime.Date;
        Hit(cache, "openai", 2);
        Hit(cache, "anthropic", 1);
        Hit(cache, "text", 1);
        Clock.Advance(TimeSpan.FromDays(1));
        Hit(SameCacheElsewhere(cache), "openai", 1);
        cache.RemoveMany(new[] { KeyHash.Compute("openai") }, NullCacheLog.Instance, CancellationToken.None);

        IReadOnlyList<DailySavings> days = SameCacheElsewhere(cache).GetSavings(null, null, NullCacheLog.Instance);

        Assert.Equal(
            new[]
            {
                (firstDay, (string?)null, 1L, 0L, 0L),
                (firstDay, "claude-sonnet-4-5", 1L, 1210L, 40L),
                (firstDay, "gpt-4o-2024-08-06", 2L, 240L, 60L),
                (firstDay.AddDays(1), "gpt-4o-2024-08-06", 1L, 120L, 30L),
            },
            days.Select(day => (day.Date, day.Model, day.Hits, day.SavedInputTokens, day.SavedOutputTokens)));
        Assert.Equal((2 * 120 * 2.50 + 2 * 30 * 10.00) / 1_000_000, days[2].SavedCost!.Value, 12);
        Assert.Null(days[1].SavedCost);
        Assert.Equal(DateTimeKind.Utc, days[0].Date.Kind);

        IReadOnlyList<DailySavings> selected = cache.GetSavings(new[] { "GPT-4O-2024-08-06" }, firstDay.AddDays(1), NullCacheLog.Instance);
        Assert.Equal(new[] { firstDay.AddDays(1) }, selected.Select(day => day.Date));
    }

    [ContractFact]
    public void Savings_keep_a_bounded_number_of_days()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", Encoding.UTF8.GetBytes(OpenAiChat));
        Hit(cache, "question", 1);
        Clock.Advance(TimeSpan.FromDays(SavingsLedger.KeptDays));
        Set(cache, "question", Encoding.UTF8.GetBytes(OpenAiChat));
        Hit(cache, "question", 1);

        IReadOnlyList<DailySavings> days = SameCacheElsewhere(cache).GetSavings(null, null, NullCacheLog.Instance);

        Assert.Equal(new[] { Clock.Now.UtcDateTime.Date }, days.Select(day => day.Date));
        Assert.Equal(2, Totals(cache).Hits);
    }
}
