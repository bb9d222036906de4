namespace ResponseCache.Core;

/// <summary>What producing an entry cost, as far as it is known: the model, its tokens, and how long the producer ran.</summary>
public sealed class EntryUsage
{
    public EntryUsage(string? model = null, long? inputTokens = null, long? outputTokens = null, long? cachedInputTokens = null, double? producerSeconds = null)
    {
        Model = model;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        CachedInputTokens = cachedInputTokens;
        ProducerSeconds = producerSeconds;
    }

    public static EntryUsage None { get; } = new EntryUsage();

    public string? Model { get; }

    /// <summary>Every input token the call was billed for, cached ones included.</summary>
    public long? InputTokens { get; }

    public long? OutputTokens { get; }

    /// <summary>The input tokens the provider served from its own prompt cache (billed at a lower price).</summary>
    public long? CachedInputTokens { get; }

    /// <summary>How long the producer ran, in seconds.</summary>
    public double? ProducerSeconds { get; }

    public bool IsEmpty => Model is null && InputTokens is null && OutputTokens is null && CachedInputTokens is null && ProducerSeconds is null;

    /// <summary>This usage, with the producer time measured by the cache when the reply gave none.</summary>
    public EntryUsage WithProducerSeconds(double? measured) =>
        ProducerSeconds is not null || measured is null ? this : new EntryUsage(Model, InputTokens, OutputTokens, CachedInputTokens, measured);
}
