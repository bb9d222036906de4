using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>What an entry records of its cost: the model and tokens its reply names, the producer's time, and its hits by every process.</summary>
public abstract partial class CacheContract
{
    private const string OpenAiChat = """{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100}}}""";
    private const string OpenAiResponses = """{"id":"resp_1","object":"response","model":"gpt-4.1","output":[],"usage":{"input_tokens":50,"output_tokens":7,"input_tokens_details":{"cached_tokens":0}}}""";
    private const string Anthropic = """{"id":"msg_1","type":"message","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,"output_tokens":40}}""";
    private const string Ollama = """{"model":"llama3.2","created_at":"2024-01-01T00:00:00Z","response":"Hi","done":true,"total_duration":2500000000,"prompt_eval_count":26,"eval_count":290}""";
    private const string Gemini = """{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":12,"totalTokenCount":20},"modelVersion":"gemini-2.0-flash"}""";

    private static CacheEntryInfo EntryOf(ICacheBackend cache, string key) =>
        cache.ListEntries(Default, NullCacheLog.Instance).Single(entry => entry.KeyHash == HashOf(key));

    [ContractFact]
    public void An_entry_records_the_model_and_tokens_its_reply_names_in_every_api_shape()
    {
        ICacheBackend cache = NewCache();
        foreach ((string key, string reply) in new[] { ("openai chat", OpenAiChat), ("openai responses", OpenAiResponses), ("anthropic", Anthropic), ("ollama", Ollama), ("gemini", Gemini) })
        {
            Set(cache, key, Encoding.UTF8.GetBytes(reply));
        }

        Set(cache, "plain text", "no usage here");

        ICacheBackend elsewhere = SameCacheElsewhere(cache);
        Assert.Equal(("gpt-4o-2024-08-06", 120L, 30L, 100L), Usage(EntryOf(elsewhere, "openai chat")));
        Assert.Equal(("gpt-4.1", 50L, 7L, 0L), Usage(EntryOf(elsewhere, "openai responses")));
        Assert.Equal(("claude-sonnet-4-5", 1210L, 40L, 1000L), Usage(EntryOf(elsewhere, "anthropic")));
        Assert.Equal(("llama3.2", 26L, 290L, (long?)null), Usage(EntryOf(elsewhere, "ollama")));
        Assert.Equal(TimeSpan.FromSeconds(2.5), EntryOf(elsewhere, "ollama").ProducerTime);
        Assert.Equal(("gemini-2.0-flash", 8L, 12L, (long?)null), Usage(EntryOf(elsewhere, "gemini")));
        CacheEntryInfo plain = EntryOf(elsewhere, "plain text");
        Assert.Equal(((string?)null, (long?)null, (long?)null, (long?)null), Usage(plain));
        Assert.Null(plain.ProducerTime);
    }

    [ContractFact]
    public void Get_or_add_records_how_long_its_producer_ran()
    {
        ICacheBackend cache = NewCache();
        GetOrAdd(cache, "produced", () => Encoding.UTF8.GetBytes(OpenAiChat));

        Assert.NotNull(EntryOf(SameCacheElsewhere(cache), "produced").ProducerTime);
    }

    [ContractFact]
    public void Each_entry_counts_the_hits_of_every_process_that_shares_the_cache()
    {
        ICacheBackend cache = NewCache();
        GetOrAdd(cache, "question", () => Encoding.UTF8.GetBytes(OpenAiChat));
        Set(cache, "never read", "answer");

        for (int process = 0; process < 3; process++)
        {
            ICacheBackend elsewhere = SameCacheElsewhere(cache);
            Assert.NotNull(GetOrAdd(elsewhere, "question", () => throw new InvalidOperationException("paid twice")));
            Clock.Advance(TimeSpan.FromSeconds(1));

            // What a process does as it ends: its hits are written with their access times.
            elsewhere.Flush(NullCacheLog.Instance);
        }

        Assert.Equal(3, EntryOf(SameCacheElsewhere(cache), "question").Hits);
        Assert.Equal(0, EntryOf(SameCacheElsewhere(cache), "never read").Hits);
    }

    [ContractFact]
    public void A_copy_keeps_what_an_entry_cost_and_its_hits()
    {
        ICacheBackend source = NewCache();
        Set(source, "question", Encoding.UTF8.GetBytes(Anthropic));
        Assert.NotNull(source.Get("question", Default, NullCacheLog.Instance));
        Assert.NotNull(source.Get("question", Default, NullCacheLog.Instance));
        source.Flush(NullCacheLog.Instance);

        ICacheBackend destination = NewCache();
        destination.Import(Export(source), NullCacheLog.Instance, CancellationToken.None);

        CacheEntryInfo copied = EntryOf(destination, "question");
        Assert.Equal(("claude-sonnet-4-5", 1210L, 40L, 1000L), Usage(copied));
        Assert.Equal(2, copied.Hits);
    }

    private static (string? Model, long? Input, long? Output, long? Cached) Usage(CacheEntryInfo entry) =>
        (entry.Model, entry.InputTokens, entry.OutputTokens, entry.CachedInputTokens);
}
