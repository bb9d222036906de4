using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The journal's line format: one line per call, holding every change that call made, so a line is applied whole
/// or not at all. <c>{"crc":"&lt;8 hex&gt;","rec":{"ops":[...]}}</c> + newline, where crc is the CRC-32 of the rec
/// value's bytes (IEEE, as zlib computes it). Ops: <c>{"set":"&lt;hash&gt;","entry":{...}}</c>,
/// <c>{"remove":"&lt;hash&gt;"}</c>, <c>{"touch":"&lt;hash&gt;","at":&lt;unix seconds&gt;}</c>, <c>{"clear":true}</c>.
/// The first line of a journal also names the snapshot it extends, after its ops:
/// <c>"rec":{"ops":[...],"snapshot":{"length":&lt;bytes&gt;,"xxh64":"&lt;16 hex&gt;"}}</c>. Readers before this field
/// stop at the ops, so they still read such a line; journals without it (older writers) are trusted as before.
/// The hits the line's touches add to their entries' counts come last, as <c>"hits":{"&lt;hash&gt;":n,...}</c>, so
/// readers that stop at the ops or at the snapshot still read such a line.
/// </summary>
internal static class JournalCodec
{
    private const byte NewLine = (byte)'\n';
    private static readonly byte[] s_prefix = Encoding.ASCII.GetBytes("{\"crc\":\"");
    private static readonly byte[] s_middle = Encoding.ASCII.GetBytes("\",\"rec\":");
    private static readonly int s_headerLength = s_prefix.Length + 8 + s_middle.Length;

    /// <summary>A length the encoded line cannot be shorter than (its responses alone), known without encoding it.</summary>
    public static long MinimumLength(IReadOnlyList<JournalOp> ops)
    {
        long length = 0;
        foreach (JournalOp op in ops)
        {
            length += op.Entry?.ResponseJson.Length ?? 0;
        }

        return length;
    }

    private static readonly JsonWriterOptions s_writerOptions = new JsonWriterOptions { Encoder = ResponseJson.Encoder, SkipValidation = true };

    /// <param name="extends">For a journal's first line: the snapshot its changes apply to.</param>
    public static byte[] Encode(IReadOnlyList<JournalOp> ops, SnapshotIdentity? extends = null)
    {
        using var record = new MemoryStream();
        using (var writer = new Utf8JsonWriter(record, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("ops");
            foreach (JournalOp op in ops)
            {
                WriteOp(writer, op);
            }

            writer.WriteEndArray();
            if (extends is SnapshotIdentity snapshot)
            {
                writer.WriteStartObject("snapshot");
                writer.WriteNumber("length", snapshot.Length);
                writer.WriteString("xxh64", snapshot.Hash.ToString("x16", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            WriteHits(writer, ops);

            writer.WriteEndObject();
        }

        byte[] recordBytes = record.GetBuffer();
        int recordLength = (int)record.Length;
        string crc = Crc32.HashToUInt32(recordBytes.AsSpan(0, recordLength)).ToString("x8", CultureInfo.InvariantCulture);

        byte[] line = new byte[s_headerLength + recordLength + 2];
        s_prefix.CopyTo(line, 0);
        Encoding.ASCII.GetBytes(crc, 0, 8, line, s_prefix.Length);
        s_middle.CopyTo(line, s_prefix.Length + 8);
        Buffer.BlockCopy(recordBytes, 0, line, s_headerLength, recordLength);
        line[line.Length - 2] = (byte)'}';
        line[line.Length - 1] = NewLine;
        return line;
    }

    /// <summary>
    /// Decodes every whole, sound line. A final line without its newline is an append cut short, dropped quietly; a
    /// bad line that has its newline is damage wherever it stands, since no append that failed ever wrote one.
    /// </summary>
    public static JournalContent Decode(ReadOnlySpan<byte> bytes)
    {
        var ops = new List<JournalOp>();
        SnapshotIdentity? extends = null;
        int position = 0;
        int validLength = 0;
        bool damaged = false;
        var lineOps = new List<JournalOp>();
        while (position < bytes.Length)
        {
            int end = bytes.Slice(position).IndexOf(NewLine);
            if (end < 0)
            {
                break;
            }

            ReadOnlySpan<byte> line = bytes.Slice(position, end);
            position += end + 1;
            lineOps.Clear();
            bool first = validLength == 0 && !damaged;
            if (TryDecodeLine(line, lineOps, out SnapshotIdentity? lineExtends))
            {
                extends = first ? lineExtends : extends;
                ops.AddRange(lineOps);
                validLength = position;
            }
            else
            {
                damaged = true;
            }
        }

        return new JournalContent(ops, validLength, bytes.Length - validLength, damaged, extends);
    }

    private static bool TryDecodeLine(ReadOnlySpan<byte> line, List<JournalOp> ops, out SnapshotIdentity? extends)
    {
        extends = null;
        if (line.Length < s_headerLength + 3
            || !line.StartsWith(s_prefix)
            || !line.Slice(s_prefix.Length + 8).StartsWith(s_middle)
            || line[line.Length - 1] != (byte)'}'
            || !TryParseHex(line.Slice(s_prefix.Length, 8), out ulong expected))
        {
            return false;
        }

        ReadOnlySpan<byte> record = line.Slice(s_headerLength, line.Length - s_headerLength - 1);
        if (Crc32.HashToUInt32(record) != expected)
        {
            return false;
        }

        try
        {
            return TryReadRecord(record, ops, out extends);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> record, List<JournalOp> ops, out SnapshotIdentity? extends)
    {
        extends = null;
        var reader = new Utf8JsonReader(record, isFinalBlock: true, new JsonReaderState(SnapshotReader.ReaderOptions));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("ops")
            || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (ReadOp(ref reader, record) is not JournalOp op)
            {
                return false;
            }

            ops.Add(op);
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            return false;
        }

        bool more = reader.Read();
        if (more && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("snapshot"))
        {
            extends = ReadSnapshotIdentity(ref reader);

            // Past the identity's closing brace to what follows it; a line whose identity is not that shape has no hits read.
            more = extends is not null && reader.Read() && reader.TokenType == JsonTokenType.EndObject && reader.Read();
        }

        return !(more && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("hits")) || ReadHits(ref reader, ops);
    }

    /// <summary>{"hash":n,...} as touches that add hits and move no access time; the reader on the property name.</summary>
    private static bool ReadHits(ref Utf8JsonReader reader, List<JournalOp> ops)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!KeyHash.TryParse((reader.GetString() ?? string.Empty).AsSpan(), out KeyHash key)
                || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long hits) || hits < 0)
            {
                return false;
            }

            ops.Add(JournalOp.Touch(key, double.NegativeInfinity, hits));
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static void WriteHits(Utf8JsonWriter writer, IReadOnlyList<JournalOp> ops)
    {
        bool started = false;
        foreach (JournalOp op in ops)
        {
            if (op.Kind != JournalOpKind.Touch || op.Hits == 0)
            {
                continue;
            }

            if (!started)
            {
                writer.WriteStartObject("hits");
                started = true;
            }

            writer.WriteNumber(op.Key.ToString(), op.Hits);
        }

        if (started)
        {
            writer.WriteEndObject();
        }
    }

    /// <summary>{"length":n,"xxh64":"hex"}, the reader on the property name; null when it is not that shape.</summary>
    private static SnapshotIdentity? ReadSnapshotIdentity(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("length")
            || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long length)
            || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("xxh64")
            || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length != 16
            || !TryParseHex(reader.ValueSpan, out ulong hash))
        {
            return null;
        }

        return new SnapshotIdentity(length, hash);
    }

    /// <summary>One op, the reader on its opening brace; null when it is not a sound op.</summary>
    private static JournalOp? ReadOp(ref Utf8JsonReader reader, ReadOnlySpan<byte> record)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return null;
        }

        string kind = reader.GetString()!;
        reader.Read();
        if (kind == "clear")
        {
            return reader.TokenType == JsonTokenType.True && reader.Read() && reader.TokenType == JsonTokenType.EndObject ? JournalOp.Clear() : null;
        }

        if (reader.TokenType != JsonTokenType.String || !KeyHash.TryParse((reader.GetString() ?? string.Empty).AsSpan(), out KeyHash key))
        {
            return null;
        }

        reader.Read();
        switch (kind)
        {
            case "remove":
                return reader.TokenType == JsonTokenType.EndObject ? JournalOp.Remove(key) : null;
            case "touch" when reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("at"):
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return null;
                }

                double accessedAt = reader.GetDouble();
                return reader.Read() && reader.TokenType == JsonTokenType.EndObject ? JournalOp.Touch(key, accessedAt) : null;
            case "set" when reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("entry"):
                reader.Read();
                CacheEntry? entry = SnapshotReader.ReadEntry(ref reader, record, key);
                return entry is not null && reader.Read() && reader.TokenType == JsonTokenType.EndObject ? JournalOp.Set(entry) : null;
            default:
                return null;
        }
    }

    private static void WriteOp(Utf8JsonWriter writer, JournalOp op)
    {
        writer.WriteStartObject();
        switch (op.Kind)
        {
            case JournalOpKind.Set:
                writer.WriteString("set", op.Key.ToString());
                writer.WritePropertyName("entry");
                SnapshotWriter.WriteEntry(writer, op.Entry!);
                break;
            case JournalOpKind.Remove:
                writer.WriteString("remove", op.Key.ToString());
                break;
            case JournalOpKind.Touch:
                writer.WriteString("touch", op.Key.ToString());
                writer.WriteNumber("at", op.AccessedAt);
                break;
            case JournalOpKind.Clear:
                writer.WriteBoolean("clear", true);
                break;
        }

        writer.WriteEndObject();
    }

    private static bool TryParseHex(ReadOnlySpan<byte> hex, out ulong value)
    {
        value = 0;
        foreach (byte b in hex)
        {
            int nibble = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)nibble;
        }

        return true;
    }
}
