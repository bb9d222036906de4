using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>
/// The one text of a JSON value, so a request is one key however it was written: RFC 8785 (JSON Canonicalization
/// Scheme) with one exception. Members are sorted by their names' UTF-16 code units, there is no white space, strings
/// are escaped as RFC 8785 (and Python's json.dumps with ensure_ascii=False) escape them, and a number with a fraction
/// or an exponent is written in ECMAScript's shortest round-trip form. The exception: a whole number written without
/// a fraction or an exponent keeps all its digits, as Python writes an int, where RFC 8785 would round it to a double;
/// for whole numbers within ±2^53 the two agree, and beyond them two requests differing only in a 64-bit seed or id
/// would otherwise share one entry.
/// </summary>
public static class CanonicalJson
{
    /// <summary>How deep a request may nest: the deepest response the cache holds.</summary>
    public const int MaxDepth = ResponseJson.MaxDepth;

    private static readonly JsonDocumentOptions s_readOptions = new JsonDocumentOptions { MaxDepth = MaxDepth };

    private static readonly JsonWriterOptions s_writeOptions = new JsonWriterOptions
    {
        Encoder = PythonJsonEncoder.Instance,
        MaxDepth = MaxDepth,
    };

    /// <summary>The canonical text of one JSON value given as UTF-8.</summary>
    /// <exception cref="ArgumentException">The text is not exactly one JSON value, nests too deep, holds a lone surrogate or repeats a member name.</exception>
    public static string Canonicalize(byte[] utf8Json)
    {
        if (utf8Json is null)
        {
            throw new ArgumentNullException(nameof(utf8Json));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, s_readOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"This is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            using var buffer = new MemoryStream();
            try
            {
                using var writer = new Utf8JsonWriter(buffer, s_writeOptions);
                Write(writer, document.RootElement, "$");
            }
            catch (InvalidOperationException ex)
            {
                // Text escaped as half of a surrogate pair ("\ud800") has no UTF-8 form.
                throw new ArgumentException($"The request holds text that is not valid Unicode: {ex.Message}", ex);
            }

            string text = Encoding.UTF8.GetString(buffer.ToArray());
            UnicodeText.EnsureValid(text, "The request");
            return text;
        }
    }

    /// <inheritdoc cref="Canonicalize(byte[])"/>
    public static string Canonicalize(string json)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        UnicodeText.EnsureValid(json, "The request");
        return Canonicalize(Encoding.UTF8.GetBytes(json));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, JsonElement> member in SortedMembers(value, path))
                {
                    writer.WritePropertyName(member.Key);
                    Write(writer, member.Value, path + "." + member.Key);
                }

                writer.WriteEndObject();
                return;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Write(writer, item, path + "[" + index++ + "]");
                }

                writer.WriteEndArray();
                return;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetString());
                return;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(value.GetRawText()), skipInputValidation: true);
                return;
            default:
                // true, false and null have one spelling already.
                value.WriteTo(writer);
                return;
        }
    }

    private static List<KeyValuePair<string, JsonElement>> SortedMembers(JsonElement value, string path)
    {
        var members = new List<KeyValuePair<string, JsonElement>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new ArgumentException($"The object at {path} names the member '{property.Name}' twice, so which value counts is a guess; RFC 8785 refuses such JSON.");
            }

            members.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value));
        }

        members.Sort((left, right) => string.CompareOrdinal(left.Key, right.Key));
        return members;
    }

    /// <summary>A JSON number token in its canonical form: whole numbers exactly, others as ECMAScript writes the double.</summary>
    internal static string Number(string token)
    {
        if (token.IndexOfAny(new[] { '.', 'e', 'E' }) < 0)
        {
            return token == "-0" ? "0" : token;
        }

        // .NET Framework throws on a number beyond a double; .NET Core reads it as infinity.
        if (!double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number) || double.IsInfinity(number))
        {
            throw new ArgumentException($"The number {token} is beyond what a double holds, so it has no canonical form.");
        }

        return EcmaScriptNumber.Format(number);
    }
}
