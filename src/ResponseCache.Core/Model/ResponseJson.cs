using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>Checks on the JSON text of a response before it reaches the cache file.</summary>
public static class ResponseJson
{
    /// <summary>
    /// How deep a response the cache writes may nest: ConvertTo-Json's own limit, and well inside what the Python
    /// reference reads back (its recursion limit stops it at about 985 levels, and then it loads no entry at all).
    /// </summary>
    public const int MaxDepth = 100;

    /// <summary>How deep a stored response may nest and still be read: earlier builds of the module wrote up to 1024 levels.</summary>
    public const int MaxReadDepth = 1024;

    /// <summary>
    /// The most digits a whole number may have: Python 3.11 and later refuse to parse a longer one
    /// (sys.get_int_max_str_digits), and the reference would then load no entry at all.
    /// </summary>
    public const int MaxIntegerDigits = 4300;

    /// <summary>How the cache writes text: escaped exactly as the reference's json.dump(ensure_ascii=False) escapes it.</summary>
    public static readonly JavaScriptEncoder Encoder = PythonJsonEncoder.Instance;

    // The scan reads as deep as a stored response may be, so a response too deep to write is told from broken JSON.
    private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = MaxReadDepth };

    private static readonly JsonWriterOptions s_compactOptions = new JsonWriterOptions
    {
        Encoder = Encoder,
        SkipValidation = true,
        MaxDepth = MaxReadDepth,
    };

    /// <summary>The number of digits of a JSON number that is whole (no fraction, no exponent); 0 for any other number.</summary>
    public static int WholeNumberDigits(ReadOnlySpan<byte> number)
    {
        if (number.IndexOf((byte)'.') >= 0 || number.IndexOf((byte)'e') >= 0 || number.IndexOf((byte)'E') >= 0)
        {
            return 0;
        }

        return number.Length > 0 && number[0] == (byte)'-' ? number.Length - 1 : number.Length;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the bytes are exactly one JSON value, nested no deeper than
    /// <paramref name="maxDepth"/> (by default what the cache writes; <see cref="MaxReadDepth"/> for stored entries).
    /// </summary>
    public static void EnsureSingleValue(byte[] json, string parameterName, int maxDepth = MaxDepth)
    {
        try
        {
            var reader = new Utf8JsonReader(json, s_options);
            if (reader.Read())
            {
                EnsureReadable(ref reader, parameterName, maxDepth);
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
    /// </summary>
    public static byte[] ToCompact(byte[] json, string parameterName)
    {
        EnsureSingleValue(json, parameterName);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return Compact(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The response is not valid JSON: {ex.Message}", parameterName, ex);
        }
    }

    // Reads the value the reader stands on to its end, refusing nesting deeper than maxDepth and a whole number the
    // reference could not parse.
    private static void EnsureReadable(ref Utf8JsonReader reader, string parameterName, int maxDepth)
    {
        int startDepth = reader.CurrentDepth;
        bool container = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
        do
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
            {
                throw new ArgumentException($"The response nests more than {maxDepth} levels deep, the most the cache holds (as ConvertTo-Json writes at most).", parameterName);
            }

            if (reader.TokenType == JsonTokenType.Number && WholeNumberDigits(reader.ValueSpan) is int digits && digits > MaxIntegerDigits)
            {
                throw new ArgumentException(
                    $"The response holds a whole number of {digits:N0} digits; Python, which shares this cache, parses at most {MaxIntegerDigits:N0} and would then load no entry at all. Store the number as text (a JSON string).",
                    parameterName);
            }
        }
        while (container && reader.Read() && !(reader.CurrentDepth == startDepth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray));
    }

    /// <summary>The value as the compact JSON the cache holds, as deep as a stored response may be.</summary>
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
