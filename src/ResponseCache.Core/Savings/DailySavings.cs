using System;

namespace ResponseCache.Core;

/// <summary>What the hits on one model's entries saved on one UTC day: what Get-CacheSavings writes, one per model per day.</summary>
public sealed class DailySavings
{
    internal DailySavings(DateTime date, string? model, SavedTotals totals, ModelPrice? price, string location)
    {
        Date = date;
        Model = model;
        Hits = totals.Hits;
        SavedInputTokens = totals.InputTokens;
        SavedOutputTokens = totals.OutputTokens;
        SavedProducerTime = TimeSpan.FromSeconds(totals.ProducerSeconds);
        SavedCost = price?.CostOf(totals.InputTokens, totals.OutputTokens);
        Location = location;
    }

    /// <summary>The UTC day the hits happened (as the cache counted them: when they were written, within the access flush interval).</summary>
    public DateTime Date { get; }

    /// <summary>The model the entries' replies name; null for entries whose reply names none.</summary>
    public string? Model { get; }

    public long Hits { get; }

    public long SavedInputTokens { get; }

    public long SavedOutputTokens { get; }

    public TimeSpan SavedProducerTime { get; }

    /// <summary>At the model's price in the cache's configuration (per million tokens); null when the model has none.</summary>
    public double? SavedCost { get; }

    /// <summary>Where the cache is: its cache file, or its Redis server and namespace.</summary>
    public string Location { get; }
}
