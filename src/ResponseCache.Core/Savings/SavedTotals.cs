namespace ResponseCache.Core;

/// <summary>Hits, and the tokens and producer time they did not pay for: one model's, on one day or in all.</summary>
public sealed class SavedTotals
{
    public long Hits { get; private set; }

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public double ProducerSeconds { get; private set; }

    public bool IsEmpty => Hits == 0 && InputTokens == 0 && OutputTokens == 0 && ProducerSeconds == 0;

    /// <summary>Adds <paramref name="hits"/> hits on an entry that cost <paramref name="usage"/>.</summary>
    public void AddHits(EntryUsage usage, long hits)
    {
        Add(hits, (usage.InputTokens ?? 0) * hits, (usage.OutputTokens ?? 0) * hits, (usage.ProducerSeconds ?? 0) * hits);
    }

    public void Add(long hits, long inputTokens, long outputTokens, double producerSeconds)
    {
        Hits += hits;
        InputTokens += inputTokens;
        OutputTokens += outputTokens;
        ProducerSeconds += producerSeconds;
    }

    public void Add(SavedTotals other) => Add(other.Hits, other.InputTokens, other.OutputTokens, other.ProducerSeconds);
}
