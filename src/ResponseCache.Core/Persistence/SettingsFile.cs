using System;
using System.IO;
using System.Text.Json;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json.settings: the cache's own configuration, a small JSON object
/// (<c>{"max_entries": 1000, "max_bytes": 52428800, "ttl_days": 7}</c>) that the Python reference never reads.
/// Absent means the defaults. Written atomically under the cache's lock; read without it (it is only ever replaced whole).
/// </summary>
internal sealed class SettingsFile
{
    public const string Suffix = ".settings";

    private const string MaxEntriesField = "max_entries";
    private const string MaxBytesField = "max_bytes";
    private const string TtlDaysField = "ttl_days";

    private readonly ICacheFileSystem _fileSystem;

    public SettingsFile(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + Suffix;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    public FileSignature Probe() => _fileSystem.GetSignature(Path);

    /// <summary>The stored configuration; the defaults when there is none. Damage is reported through <paramref name="damage"/>, never thrown.</summary>
    public CacheConfiguration Load(out string? damage)
    {
        damage = null;
        if (!_fileSystem.FileExists(Path))
        {
            return CacheConfiguration.Default;
        }

        byte[] bytes = FileOperation.Run(Path, "read the cache settings", () => _fileSystem.ReadAllBytes(Path));
        try
        {
            return Parse(bytes);
        }
        catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is ArgumentException)
        {
            damage = ex.Message;
            return CacheConfiguration.Default;
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

    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, Path, now);

    private static CacheConfiguration Parse(byte[] bytes)
    {
        using JsonDocument document = JsonDocument.Parse(bytes);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"it holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
        }

        int maxEntries = root.TryGetProperty(MaxEntriesField, out JsonElement entries) ? entries.GetInt32() : CacheConfiguration.DefaultMaxEntries;
        long? maxBytes = root.TryGetProperty(MaxBytesField, out JsonElement bytesCap) && bytesCap.ValueKind != JsonValueKind.Null ? bytesCap.GetInt64() : null;
        double ttlDays = root.TryGetProperty(TtlDaysField, out JsonElement ttl) ? ttl.GetDouble() : CacheConfiguration.DefaultTtlDays;
        return new CacheConfiguration(maxEntries, maxBytes, ttlDays);
    }
}
