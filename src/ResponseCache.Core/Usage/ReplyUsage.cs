using System;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>
/// Reads what a reply says it cost, from the usage fields of the APIs whose replies users cache: OpenAI chat
/// completions (usage.prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens) and responses
/// (usage.input_tokens, output_tokens, input_tokens_details.cached_tokens), Anthropic messages (usage.input_tokens,
/// output_tokens, cache_read_input_tokens, cache_creation_input_tokens), Ollama (prompt_eval_count, eval_count,
/// total_duration in nanoseconds) and Gemini (usageMetadata.promptTokenCount, candidatesTokenCount,
/// cachedContentTokenCount; modelVersion). A reply without them (text, another shape) records only what is known.
/// </summary>
public static class ReplyUsage
{
    public static EntryUsage Read(byte[] responseJson)
    {
        if (responseJson.Length == 0 || responseJson[0] != (byte)'{')
        {
            return EntryUsage.None;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(responseJson, new JsonDocumentOptions { MaxDepth = ResponseJson.MaxReadDepth });
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return EntryUsage.None;
        }
    }

    /// <summary>The usage of a reply already parsed (one inside a caller's envelope); <see cref="EntryUsage.None"/> for anything but an object.</summary>
    public static EntryUsage Read(JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Object)
        {
            return EntryUsage.None;
        }

        string? model = Text(reply, "model") ?? Text(reply, "modelVersion");
        if (reply.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
        {
            if (Count(usage, "prompt_tokens") is long prompt)
            {
                return new EntryUsage(model, prompt, Count(usage, "completion_tokens"), Nested(usage, "prompt_tokens_details", "cached_tokens"));
            }

            long? input = Count(usage, "input_tokens");
            long? cacheRead = Count(usage, "cache_read_input_tokens");
            long? cacheCreation = Count(usage, "cache_creation_input_tokens");
            if (cacheRead is not null || cacheCreation is not null)
            {
                // Anthropic bills cache reads and writes apart from input_tokens: all three were the prompt.
                return new EntryUsage(model, (input ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0), Count(usage, "output_tokens"), cacheRead);
            }

            if (input is not null || Count(usage, "output_tokens") is not null)
            {
                return new EntryUsage(model, input, Count(usage, "output_tokens"), Nested(usage, "input_tokens_details", "cached_tokens"));
            }
        }

        if (reply.TryGetProperty("usageMetadata", out JsonElement gemini) && gemini.ValueKind == JsonValueKind.Object)
        {
            return new EntryUsage(model, Count(gemini, "promptTokenCount"), Count(gemini, "candidatesTokenCount"), Count(gemini, "cachedContentTokenCount"));
        }

        if (Count(reply, "prompt_eval_count") is not null || Count(reply, "eval_count") is not null)
        {
            double? seconds = Count(reply, "total_duration") is long nanoseconds ? nanoseconds / 1e9 : null;
            return new EntryUsage(model, Count(reply, "prompt_eval_count"), Count(reply, "eval_count"), producerSeconds: seconds);
        }

        return model is null ? EntryUsage.None : new EntryUsage(model);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static long? Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long count) && count >= 0 ? count : null;

    private static long? Nested(JsonElement element, string outer, string inner) =>
        element.TryGetProperty(outer, out JsonElement details) && details.ValueKind == JsonValueKind.Object ? Count(details, inner) : null;
}
