using System.Collections.Generic;

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

    public static SavedCost Of(IEnumerable<StoredResponse> entries, ModelPrices prices)
    {
        double? cost = null;
        long unpricedInput = 0, unpricedOutput = 0;
        foreach (StoredResponse entry in entries)
        {
            long input = (entry.Usage.InputTokens ?? 0) * entry.Hits;
            long output = (entry.Usage.OutputTokens ?? 0) * entry.Hits;
            if (prices.For(entry.Usage.Model) is ModelPrice price)
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
