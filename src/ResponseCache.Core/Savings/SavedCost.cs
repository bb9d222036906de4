using System.Collections.Generic;
using System.Linq;

namespace ResponseCache.Core;

/// <summary>
/// What hits saved in money at the user's prices: each entry's tokens times its hits, at its model's price. Tokens
/// of entries whose model has no price are counted apart, so the sum never claims to be all that was saved.
/// </summary>
public sealed class SavedCost
{
    private SavedCost(double? cost, long unpricedInputTokens, long unpricedOutputTokens)
    {
        Cost = cost;
        UnpricedInputTokens = unpricedInputTokens;
        UnpricedOutputTokens = unpricedOutputTokens;
    }

    /// <summary>The money saved; null when no entry's model has a price.</summary>
    public double? Cost { get; }

    public long UnpricedInputTokens { get; }

    public long UnpricedOutputTokens { get; }

    /// <summary>What the hits of <paramref name="entries"/>, and those the ledger kept of entries gone, saved.</summary>
    public static SavedCost Of(IEnumerable<StoredResponse> entries, IEnumerable<KeyValuePair<string, SavedTotals>> gone, ModelPrices prices) =>
        Of(entries.Select(entry => (entry.Usage.Model, (entry.Usage.InputTokens ?? 0) * entry.Hits, (entry.Usage.OutputTokens ?? 0) * entry.Hits))
            .Concat(gone.Select(model => ((string?)model.Key, model.Value.InputTokens, model.Value.OutputTokens))), prices);

    /// <summary>What saved tokens, each model's, come to at the prices.</summary>
    public static SavedCost Of(IEnumerable<(string? Model, long InputTokens, long OutputTokens)> saved, ModelPrices prices)
    {
        double? cost = null;
        long unpricedInput = 0, unpricedOutput = 0;
        foreach ((string? model, long input, long output) in saved)
        {
            if (prices.For(model) is ModelPrice price)
            {
                cost = (cost ?? 0) + price.CostOf(input, output);
            }
            else
            {
                unpricedInput += input;
                unpricedOutput += output;
            }
        }

        return new SavedCost(cost, unpricedInput, unpricedOutput);
    }
}
