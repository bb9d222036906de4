using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>A request's body as its key sees it: JSON (canonical, less volatile members), form fields, text or bytes.</summary>
public sealed class RequestBody
{
    private readonly string _kind;
    private readonly Action<Utf8JsonWriter> _write;

    private RequestBody(string kind, Action<Utf8JsonWriter> write)
    {
        _kind = kind;
        _write = write;
    }

    /// <summary>A JSON body, less the top-level members named in <paramref name="ignoredMembers"/> (a request id, a timestamp).</summary>
    /// <exception cref="ArgumentException">The text is not one JSON value.</exception>
    public static RequestBody Json(string json, IEnumerable<string> ignoredMembers)
    {
        var ignored = new HashSet<string>(ignoredMembers, StringComparer.Ordinal);
        string canonical = CanonicalJson.Canonicalize(json);
        using JsonDocument document = JsonDocument.Parse(canonical);
        JsonElement root = document.RootElement.Clone();
        return new RequestBody("json", writer =>
        {
            if (root.ValueKind != JsonValueKind.Object || ignored.Count == 0)
            {
                root.WriteTo(writer);
                return;
            }

            writer.WriteStartObject();
            foreach (JsonProperty member in root.EnumerateObject().Where(member => !ignored.Contains(member.Name)))
            {
                member.WriteTo(writer);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Form fields (a dictionary given as the body): sorted by the key, as every JSON object is.</summary>
    public static RequestBody Form(IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<string> ignoredFields)
    {
        var ignored = new HashSet<string>(ignoredFields, StringComparer.Ordinal);
        KeyValuePair<string, string>[] kept = fields.Where(field => !ignored.Contains(field.Key)).ToArray();
        return new RequestBody("form", writer =>
        {
            writer.WriteStartObject();
            foreach (KeyValuePair<string, string> field in kept)
            {
                writer.WriteString(field.Key, field.Value);
            }

            writer.WriteEndObject();
        });
    }

    public static RequestBody Text(string text) => new RequestBody("text", writer => writer.WriteStringValue(text));

    public static RequestBody Bytes(byte[] bytes) => new RequestBody("bytes", writer => writer.WriteBase64StringValue(bytes));

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WritePropertyName(_kind);
        _write(writer);
    }
}
