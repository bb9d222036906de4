using System;
using System.IO;
using System.Text.Json;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// One settings file: a small JSON object (<c>{"max_entries": 1000, "max_bytes": 52428800, "ttl_days": 7}</c>) that
/// the Python reference never reads. Numbers may take any form the JSON grammar allows (<c>1e4</c>, <c>10000.0</c>);
/// counts must be whole. Written atomically under the cache's lock; read without it (it is only ever replaced whole).
/// </summary>
internal sealed class SettingsFile
{
    private const string MaxEntriesField = "max_entries";
    private const string MaxBytesField = "max_bytes";
    private const string TtlDaysField = "ttl_days";

    private readonly ICacheFileSystem _fileSystem;

    public SettingsFile(string path, ICacheFileSystem fileSystem)
    {
        Path = path;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    public FileSignature Probe() => _fileSystem.GetSignature(Path);

    /// <summary>
    /// The stored configuration; null when there is none, or when it cannot be read, which <paramref name="damage"/>
    /// then says (never thrown): a missing file is no damage, anything else in its place is.
    /// </summary>
    public CacheConfiguration? Load(out string? damage)
    {
        damage = null;
        if (!_fileSystem.FileExists(Path))
        {
            if (_fileSystem.DirectoryExists(Path))
            {
                damage = "a directory is in its place";
            }

            return null;
        }

        byte[] bytes = FileOperation.Run(Path, "read the cache settings", () => _fileSystem.ReadAllBytes(Path));
        try
        {
            return Parse(bytes);
        }
        catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is ArgumentException || ex is OverflowException)
        {
            damage = ex.Message;
            return null;
        }
    }

    /// <summary>Stores the configuration atomically (under the cache's lock, so a temp file a killed writer left can go first).</summary>
    public void Save(CacheConfiguration configuration)
    {
        AtomicFile.RemoveAbandoned(_fileSystem, Path);
        AtomicFile.Write(_fileSystem, Path, "cache settings", stream => Write(stream, configuration));
    }

    private static void Write(Stream stream, CacheConfiguration configuration)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber(MaxEntriesField, configuration.MaxEntries);
        if (configuration.MaxBytes is long maxBytes)
        {
            writer.WriteNumber(MaxBytesField, maxBytes);
        }

        writer.WriteNumber(TtlDaysField, configuration.TtlDays);
        writer.WriteEndObject();
    }

    private static CacheConfiguration Parse(byte[] bytes)
    {
        using JsonDocument document = JsonDocument.Parse(bytes);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"it holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }

        int maxEntries = root.TryGetProperty(MaxEntriesField, out JsonElement entries) ? checked((int)WholeNumber(entries, MaxEntriesField)) : CacheConfiguration.DefaultMaxEntries;
        long? maxBytes = root.TryGetProperty(MaxBytesField, out JsonElement bytesCap) && bytesCap.ValueKind != JsonValueKind.Null ? WholeNumber(bytesCap, MaxBytesField) : null;
        double ttlDays = root.TryGetProperty(TtlDaysField, out JsonElement ttl) ? ttl.GetDouble() : CacheConfiguration.DefaultTtlDays;
        return new CacheConfiguration(maxEntries, maxBytes, ttlDays);
    }

    /// <summary>A count however JSON spells it (1e4, 10000.0); decimal keeps every digit a long has, where double would round.</summary>
    private static long WholeNumber(JsonElement element, string field)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (element.TryGetInt64(out long whole))
            {
                return whole;
            }

            if (element.TryGetDecimal(out decimal number) && decimal.Truncate(number) == number && number >= long.MinValue && number <= long.MaxValue)
            {
                return (long)number;
            }
        }

        throw new FormatException($"its {field} is {element.GetRawText()}, not a whole number");
    }
}
