using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ResponseCache.Core.Persistence;

/// <summary>Writes entries in the reference's format: a JSON object of entries by key hash, indented by two, UTF-8 unescaped.</summary>
internal static class SnapshotWriter
{
    private static readonly JsonWriterOptions s_options = new JsonWriterOptions { Indented = true, Encoder = ResponseJson.Encoder, SkipValidation = true };

    // Hands the bytes to the stream as it goes, so a large cache is never held twice in memory while it is written.
    private const int FlushThreshold = 64 * 1024;

    public static void Write(Stream destination, IEnumerable<CacheEntry> entries)
    {
        using var writer = new Utf8JsonWriter(destination, s_options);
        writer.WriteStartObject();
        foreach (CacheEntry entry in entries)
        {
            writer.WritePropertyName(entry.Key.ToString());
            WriteEntry(writer, entry);
            if (writer.BytesPending >= FlushThreshold)
            {
                writer.Flush();
            }
        }

        writer.WriteEndObject();
    }

    internal static void WriteEntry(Utf8JsonWriter writer, CacheEntry entry)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("response");
        writer.WriteRawValue(entry.ResponseJson, skipInputValidation: true);
        if (entry.Timestamp is not null)
        {
            writer.WriteString("timestamp", entry.Timestamp);
        }

        if (entry.CreatedAt is double createdAt)
        {
            writer.WriteNumber("created_at", createdAt);
        }

        if (entry.LastAccessed is double lastAccessed)
        {
            writer.WriteNumber("last_accessed", lastAccessed);
        }

        if (entry.TextLength is long textLength)
        {
            writer.WriteNumber("text_length", textLength);
        }

        if (entry.Tags is not null)
        {
            writer.WriteStartArray("tags");
            foreach (string tag in entry.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }

        if (entry.ExpiresAt is double expiresAt)
        {
            writer.WriteNumber("expires_at", expiresAt);
        }

        if (entry.Usage is EntryUsage usage)
        {
            if (usage.Model is not null)
            {
                writer.WriteString("model", usage.Model);
            }

            WriteCount(writer, "input_tokens", usage.InputTokens);
            WriteCount(writer, "output_tokens", usage.OutputTokens);
            WriteCount(writer, "cached_input_tokens", usage.CachedInputTokens);
            if (usage.ProducerSeconds is double seconds)
            {
                writer.WriteNumber("producer_seconds", seconds);
            }
        }

        if (entry.Hits > 0)
        {
            writer.WriteNumber("hits", entry.Hits);
        }

        if (entry.UnknownFields is not null)
        {
            foreach (KeyValuePair<string, byte[]> field in entry.UnknownFields)
            {
                writer.WritePropertyName(field.Key);
                writer.WriteRawValue(field.Value, skipInputValidation: true);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter writer, string name, long? count)
    {
        if (count is long value)
        {
            writer.WriteNumber(name, value);
        }
    }
}
