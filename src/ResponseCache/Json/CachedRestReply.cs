using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Xml;
using ResponseCache.Core;

namespace ResponseCache.Json;

/// <summary>
/// What Invoke-RestMethod gave for a request, as a cache entry that gives it back as it was: the reply's objects
/// (JSON as JSON, so other programs read the answer; XML as its text; text as text), whether they came as one object
/// (a JSON array is one array) or as several, the status code and the response headers less those that set cookies
/// or carry credentials.
/// </summary>
internal sealed class CachedRestReply
{
    private const string JsonKind = "json";
    private const string TextKind = "text";
    private const string XmlKind = "xml";

    private CachedRestReply(Collection<PSObject> output, int? statusCode, Dictionary<string, IEnumerable<string>>? headers)
    {
        Output = output;
        StatusCode = statusCode;
        Headers = headers;
    }

    /// <summary>The objects Invoke-RestMethod wrote, each as it wrote it (an array written whole is one of them).</summary>
    public Collection<PSObject> Output { get; }

    public int? StatusCode { get; }

    /// <summary>As Invoke-RestMethod's -ResponseHeadersVariable gives them.</summary>
    public Dictionary<string, IEnumerable<string>>? Headers { get; }

    public static CachedRestReply FromInvocation(Collection<PSObject> output, object? statusCode, object? headers)
    {
        Dictionary<string, IEnumerable<string>>? kept = null;
        if (Unwrap(headers) is IDictionary all)
        {
            kept = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry header in all)
            {
                string name = header.Key.ToString()!;
                if (!name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) && !HttpRequestKey.IsSecretHeader(name))
                {
                    kept[name] = (Unwrap(header.Value) as IEnumerable<string> ?? new[] { header.Value?.ToString() ?? string.Empty }).ToArray();
                }
            }
        }

        return new CachedRestReply(output, Unwrap(statusCode) is int code ? code : null, kept);
    }

    public byte[] ToJson()
    {
        var items = Output.Select(item => Unwrap(item) switch
        {
            XmlDocument xml => (object)new Hashtable { [XmlKind] = xml.OuterXml },
            string text => new Hashtable { [TextKind] = text },
            _ => new Hashtable { [JsonKind] = item },
        }).ToArray();
        var entry = new System.Collections.Specialized.OrderedDictionary
        {
            ["statusCode"] = StatusCode,
            ["headers"] = Headers,
            ["output"] = items,
        };
        return ResponseSerializer.Serialize(entry, ResponseSerializer.MaxDepthLimit);
    }

    public static CachedRestReply FromJson(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = ResponseJson.MaxReadDepth });
        JsonElement root = document.RootElement;
        var output = new Collection<PSObject>();
        foreach (JsonElement item in root.GetProperty("output").EnumerateArray())
        {
            JsonProperty value = item.EnumerateObject().First();
            output.Add(PSObject.AsPSObject(value.Name switch
            {
                XmlKind => Xml(value.Value.GetString()!),
                TextKind => value.Value.GetString()!,
                _ => ResponseDeserializer.Deserialize(ResponseJson.Compact(value.Value)),
            }));
        }

        int? statusCode = root.GetProperty("statusCode").ValueKind == JsonValueKind.Number ? root.GetProperty("statusCode").GetInt32() : null;
        Dictionary<string, IEnumerable<string>>? headers = null;
        if (root.GetProperty("headers").ValueKind == JsonValueKind.Object)
        {
            headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty header in root.GetProperty("headers").EnumerateObject())
            {
                headers[header.Name] = header.Value.EnumerateArray().Select(value => value.GetString()!).ToArray();
            }
        }

        return new CachedRestReply(output, statusCode, headers);
    }

    /// <summary>What the API's reply says it cost, when the call gave one JSON reply: the envelope itself has no usage.</summary>
    public static EntryUsage UsageOf(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = ResponseJson.MaxReadDepth });
        if (!document.RootElement.TryGetProperty("output", out JsonElement output) || output.ValueKind != JsonValueKind.Array || output.GetArrayLength() != 1)
        {
            return EntryUsage.None;
        }

        JsonElement item = output[0];
        return item.ValueKind == JsonValueKind.Object && item.TryGetProperty(JsonKind, out JsonElement reply) ? ReplyUsage.Read(reply) : EntryUsage.None;
    }

    private static XmlDocument Xml(string text)
    {
        var document = new XmlDocument();
        document.LoadXml(text);
        return document;
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
}
