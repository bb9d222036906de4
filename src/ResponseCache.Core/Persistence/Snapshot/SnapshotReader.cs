using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Reads ai_responses.json, salvaging every sound entry from a damaged file: a strict pass first, and when the
/// JSON itself is broken (truncated, garbage in the middle) a scan that resynchronises on each entry name.
/// </summary>
internal static class SnapshotReader
{
    private const int HashNameLength = 64;

    // Levels above a response: the file and its entry, or a journal line, its record, its op list, its op and its entry.
    internal static readonly JsonReaderOptions ReaderOptions = new JsonReaderOptions { MaxDepth = ResponseJson.MaxReadDepth + 4 };
    private static readonly byte[] s_byteOrderMark = { 0xEF, 0xBB, 0xBF };

    public static SnapshotContent Read(byte[] bytes)
    {
        ReadOnlySpan<byte> json = bytes;
        bool hasByteOrderMark = json.StartsWith(s_byteOrderMark);
        if (hasByteOrderMark)
        {
            json = json.Slice(s_byteOrderMark.Length);
        }

        if (IsBlank(json))
        {
            return new SnapshotContent(new LruIndex(), "the file is empty", hasByteOrderMark);
        }

        var entries = new LruIndex();
        string? damage;
        try
        {
            damage = ReadStrict(json, entries);
        }
        catch (JsonException ex)
        {
            damage = BrokenJson.Describe(ex);
            entries.Clear();
            Salvage(json, entries);
        }

        return new SnapshotContent(entries, damage, hasByteOrderMark);
    }

    private static string? ReadStrict(ReadOnlySpan<byte> json, LruIndex entries)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"the file holds a JSON {Describe(reader.TokenType)}, not an object of entries";
        }

        int malformed = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool named = TryReadHashName(ref reader, out KeyHash key);
            reader.Read();
            CacheEntry? entry = ReadEntry(ref reader, json, key);
            if (named && entry is not null)
            {
                entries.Put(entry);
            }
            else
            {
                malformed++;
            }
        }

        if (reader.Read())
        {
            throw new JsonException("Unexpected content after the end of the object.");
        }

        return malformed == 0 ? null : $"{malformed} malformed {(malformed == 1 ? "entry" : "entries")}";
    }

    /// <summary>Finds every <c>"&lt;64 hex&gt;": {</c> and keeps each that parses as a sound entry.</summary>
    private static void Salvage(ReadOnlySpan<byte> json, LruIndex entries)
    {
        int position = 0;
        while (position < json.Length)
        {
            int quote = json.Slice(position).IndexOf((byte)'"');
            if (quote < 0)
            {
                return;
            }

            int nameStart = position + quote + 1;
            position = nameStart;
            if (nameStart + HashNameLength >= json.Length
                || json[nameStart + HashNameLength] != (byte)'"'
                || !KeyHash.TryParse(json.Slice(nameStart, HashNameLength), out KeyHash key))
            {
                continue;
            }

            int cursor = SkipWhitespace(json, nameStart + HashNameLength + 1);
            if (cursor >= json.Length || json[cursor] != (byte)':')
            {
                continue;
            }

            cursor = SkipWhitespace(json, cursor + 1);
            if (cursor >= json.Length || json[cursor] != (byte)'{')
            {
                continue;
            }

            ReadOnlySpan<byte> rest = json.Slice(cursor);
            try
            {
                var reader = new Utf8JsonReader(rest, isFinalBlock: true, new JsonReaderState(ReaderOptions));
                reader.Read();
                CacheEntry? entry = ReadEntry(ref reader, rest, key);
                if (entry is not null)
                {
                    entries.Put(entry);
                    position = cursor + (int)reader.BytesConsumed;
                }
            }
            catch (JsonException)
            {
                // Not a whole entry: keep scanning after its name.
            }
        }
    }

    /// <summary>Reads one entry value (the reader on its first token) and leaves the reader on its last token.</summary>
    internal static CacheEntry? ReadEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, KeyHash key)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        byte[]? response = null;
        string? timestamp = null;
        double? createdAt = null;
        double? lastAccessed = null;
        long? textLength = null;
        string[]? tags = null;
        double? expiresAt = null;
        string? model = null;
        long? inputTokens = null, outputTokens = null, cachedInputTokens = null;
        double? producerSeconds = null;
        long hits = 0;
        List<KeyValuePair<string, byte[]>>? unknown = null;
        bool sound = true;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            EntryField field = FieldOf(ref reader);
            string? otherName = field == EntryField.Other ? reader.GetString() : null;
            reader.Read();
            switch (field)
            {
                case EntryField.Response:
                    response = CaptureValue(ref reader, json);
                    break;
                case EntryField.Timestamp when reader.TokenType == JsonTokenType.String:
                    timestamp = reader.GetString();
                    break;
                case EntryField.CreatedAt when reader.TokenType == JsonTokenType.Number:
                    createdAt = reader.GetDouble();
                    break;
                case EntryField.LastAccessed when reader.TokenType == JsonTokenType.Number:
                    lastAccessed = reader.GetDouble();
                    break;
                case EntryField.TextLength when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long length):
                    textLength = length;
                    break;
                case EntryField.Tags when reader.TokenType == JsonTokenType.StartArray && TryReadTags(ref reader, out string[]? read):
                    tags = read;
                    break;
                case EntryField.ExpiresAt when reader.TokenType == JsonTokenType.Number:
                    expiresAt = reader.GetDouble();
                    break;
                case EntryField.Model when reader.TokenType == JsonTokenType.String:
                    model = reader.GetString();
                    break;
                case EntryField.InputTokens when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long input):
                    inputTokens = input;
                    break;
                case EntryField.OutputTokens when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long output):
                    outputTokens = output;
                    break;
                case EntryField.CachedInputTokens when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long cached):
                    cachedInputTokens = cached;
                    break;
                case EntryField.ProducerSeconds when reader.TokenType == JsonTokenType.Number:
                    producerSeconds = reader.GetDouble();
                    break;
                case EntryField.Hits when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long hitCount):
                    hits = hitCount;
                    break;
                case EntryField.Other:
                    (unknown ??= new List<KeyValuePair<string, byte[]>>()).Add(new KeyValuePair<string, byte[]>(otherName!, CaptureValue(ref reader, json)));
                    break;
                case not (EntryField.Response or EntryField.CreatedAt or EntryField.LastAccessed):
                    // Informational only, or another tool's: the reference serves such an entry, so it stays, and the
                    // field is kept as it was (the reference prints the timestamp on every hit, whatever it is).
                    (unknown ??= new List<KeyValuePair<string, byte[]>>()).Add(new KeyValuePair<string, byte[]>(NameOf(field), CaptureValue(ref reader, json)));
                    break;
                default:
                    sound = false;
                    reader.Skip();
                    break;
            }
        }

        if (!sound || response is null)
        {
            return null;
        }

        return new CacheEntry(key, response)
        {
            Timestamp = timestamp,
            CreatedAt = createdAt,
            LastAccessed = lastAccessed,
            TextLength = textLength,
            Tags = tags,
            ExpiresAt = expiresAt,
            Usage = model is null && inputTokens is null && outputTokens is null && cachedInputTokens is null && producerSeconds is null
                ? null
                : new EntryUsage(model, inputTokens, outputTokens, cachedInputTokens, producerSeconds),
            Hits = hits,
            UnknownFields = unknown,
        };
    }

    // Compared as UTF-8 rather than read as strings: five allocations fewer per entry.
    private static EntryField FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("response"u8) ? EntryField.Response
        : reader.ValueTextEquals("timestamp"u8) ? EntryField.Timestamp
        : reader.ValueTextEquals("created_at"u8) ? EntryField.CreatedAt
        : reader.ValueTextEquals("last_accessed"u8) ? EntryField.LastAccessed
        : reader.ValueTextEquals("text_length"u8) ? EntryField.TextLength
        : reader.ValueTextEquals("tags"u8) ? EntryField.Tags
        : reader.ValueTextEquals("expires_at"u8) ? EntryField.ExpiresAt
        : reader.ValueTextEquals("model"u8) ? EntryField.Model
        : reader.ValueTextEquals("input_tokens"u8) ? EntryField.InputTokens
        : reader.ValueTextEquals("output_tokens"u8) ? EntryField.OutputTokens
        : reader.ValueTextEquals("cached_input_tokens"u8) ? EntryField.CachedInputTokens
        : reader.ValueTextEquals("producer_seconds"u8) ? EntryField.ProducerSeconds
        : reader.ValueTextEquals("hits"u8) ? EntryField.Hits
        : EntryField.Other;

    private static string NameOf(EntryField field) => field switch
    {
        EntryField.Timestamp => "timestamp",
        EntryField.TextLength => "text_length",
        EntryField.Tags => "tags",
        EntryField.ExpiresAt => "expires_at",
        EntryField.Model => "model",
        EntryField.InputTokens => "input_tokens",
        EntryField.OutputTokens => "output_tokens",
        EntryField.CachedInputTokens => "cached_input_tokens",
        EntryField.ProducerSeconds => "producer_seconds",
        _ => "hits",
    };

    /// <summary>An array of tag strings (the reader on its start, left on its end); false, the reader unmoved, for any other array.</summary>
    private static bool TryReadTags(ref Utf8JsonReader reader, out string[]? tags)
    {
        Utf8JsonReader lookahead = reader;
        var read = new List<string>();
        while (lookahead.Read() && lookahead.TokenType == JsonTokenType.String)
        {
            read.Add(lookahead.GetString()!);
        }

        if (lookahead.TokenType != JsonTokenType.EndArray)
        {
            tags = null;
            return false;
        }

        reader = lookahead;
        tags = read.Count == 0 ? null : read.ToArray();
        return true;
    }

    /// <summary>The value under the reader as compact JSON: scalars are sliced as they are, containers re-written without indentation.</summary>
    private static byte[] CaptureValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray)
        {
            int start = (int)reader.TokenStartIndex;
            return json.Slice(start, (int)reader.BytesConsumed - start).ToArray();
        }

        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        return ResponseJson.Compact(document.RootElement);
    }

    private static bool TryReadHashName(ref Utf8JsonReader reader, out KeyHash key)
    {
        if (reader.ValueSpan.Length == HashNameLength && !reader.ValueIsEscaped)
        {
            return KeyHash.TryParse(reader.ValueSpan, out key);
        }

        return KeyHash.TryParse((reader.GetString() ?? string.Empty).AsSpan(), out key);
    }

    private static bool IsBlank(ReadOnlySpan<byte> json) => SkipWhitespace(json, 0) == json.Length;

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int index)
    {
        while (index < json.Length && (json[index] == (byte)' ' || json[index] == (byte)'\n' || json[index] == (byte)'\r' || json[index] == (byte)'\t'))
        {
            index++;
        }

        return index;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "value",
    };

    private enum EntryField
    {
        Other,
        Response,
        Timestamp,
        CreatedAt,
        LastAccessed,
        TextLength,
        Tags,
        ExpiresAt,
        Model,
        InputTokens,
        OutputTokens,
        CachedInputTokens,
        ProducerSeconds,
        Hits,
    }
}
