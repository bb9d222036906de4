using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>Checks on the JSON text of a response before it reaches the cache file.</summary>
public static class ResponseJson
{
    /// <summary>How deep a response may nest: what the cache file holds and reads back.</summary>
    public const int MaxDepth = 1024;

    /// <summary>How the cache writes text: non-ASCII unescaped, as the reference's ensure_ascii=False writes it.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = MaxDepth };

    private static readonly JsonWriterOptions s_compactOptions = new JsonWriterOptions
    {
        Encoder = Encoder,
        SkipValidation = true,
        MaxDepth = MaxDepth,
    };

    /// <summary>Throws <see cref="ArgumentException"/> unless the bytes are exactly one JSON value, nested no deeper than the cache file allows.</summary>
    public static void EnsureSingleValue(byte[] json, string parameterName)
    {
        try
        {
            var reader = new Utf8JsonReader(json, s_options);
            if (reader.Read())
            {
                reader.Skip();
                if (!reader.Read())
                {
                    return;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The response is not valid JSON: {ex.Message}", parameterName, ex);
        }

        throw new ArgumentException("The response must be exactly one JSON value.", parameterName);
    }

    /// <summary>
    /// The JSON text as the compact JSON the cache holds, so a response given as text reads back the same in this
    /// process as after a reload; throws <see cref="ArgumentException"/> as <see cref="EnsureSingleValue"/> does.
    /// One parse both checks and compacts.
    /// </summary>
    public static byte[] ToCompact(byte[] json, string parameterName)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = s_options.MaxDepth });
            return Compact(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The response is not valid JSON: {ex.Message}", parameterName, ex);
        }
    }

    /// <summary>The value as the compact JSON the cache holds, as deep as a response may be.</summary>
    internal static byte[] Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_compactOptions))
        {
            value.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
