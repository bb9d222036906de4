using System.Text;
using ResponseCache.Core;

namespace ResponseCache.Tests.Contract;

/// <summary>The user's prices, kept in the cache's configuration for every process, and the money its hits saved at them.</summary>
public abstract partial class CacheContract
{
    private static readonly ModelPrice Gpt4o = new ModelPrice("gpt-4o-2024-08-06", 2.50, 10.00);

    [ContractFact]
    public void Prices_are_kept_for_every_process_and_can_be_removed()
    {
        ICacheBackend cache = NewCache();
        Assert.Equal(0, cache.GetPrices(NullCacheLog.Instance).Count);

        cache.SetPrices(new[] { Gpt4o, new ModelPrice("llama3.2", 0, 0) }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);
        cache.SetPrices(new[] { new ModelPrice("LLAMA3.2", 0.1, 0.2) }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);

        ModelPrices seen = SameCacheElsewhere(cache).GetPrices(NullCacheLog.Instance);
        Assert.Equal(2, seen.Count);
        Assert.Equal(Gpt4o, seen.For("GPT-4O-2024-08-06"));
        Assert.Equal(0.2, seen.For("llama3.2")!.Output);

        SameCacheElsewhere(cache).SetPrices(Array.Empty<ModelPrice>(), new[] { "gpt-4o-2024-08-06" }, NullCacheLog.Instance, CancellationToken.None);
        Assert.Null(cache.GetPrices(NullCacheLog.Instance).For(Gpt4o.Model));
        Assert.Equal(1, cache.GetPrices(NullCacheLog.Instance).Count);
    }

    [ContractFact]
    public void Clearing_the_cache_keeps_its_prices()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "question", Encoding.UTF8.GetBytes(OpenAiChat));
        cache.SetPrices(new[] { Gpt4o }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);

        cache.Clear(NullCacheLog.Instance, CancellationToken.None);

        Assert.Equal(Gpt4o, SameCacheElsewhere(cache).GetPrices(NullCacheLog.Instance).For(Gpt4o.Model));
    }

    [ContractFact]
    public void Statistics_give_the_money_saved_at_the_prices_and_count_unpriced_tokens_apart()
    {
        ICacheBackend cache = NewCache();
        Set(cache, "openai", Encoding.UTF8.GetBytes(OpenAiChat));
        Set(cache, "anthropic", Encoding.UTF8.GetBytes(Anthropic));
        for (int hit = 0; hit < 3; hit++)
        {
            Assert.NotNull(cache.Get("openai", Default, NullCacheLog.Instance));
        }

        Assert.NotNull(cache.Get("anthropic", Default, NullCacheLog.Instance));
        cache.Flush(NullCacheLog.Instance);

        CacheStatistics unpriced = SameCacheElsewhere(cache).GetStatistics(Default, NullCacheLog.Instance);
        Assert.Null(unpriced.SavedCost);
        Assert.Null(unpriced.UnpricedInputTokens);

        cache.SetPrices(new[] { Gpt4o }, Array.Empty<string>(), NullCacheLog.Instance, CancellationToken.None);
        CacheStatistics priced = SameCacheElsewhere(cache).GetStatistics(Default, NullCacheLog.Instance);

        // Three hits of 120 input and 30 output tokens at 2.50 and 10.00 per million.
        Assert.Equal((3 * 120 * 2.50 + 3 * 30 * 10.00) / 1_000_000, priced.SavedCost!.Value, 12);
        Assert.Equal(1210, priced.UnpricedInputTokens);
        Assert.Equal(40, priced.UnpricedOutputTokens);
    }
}
