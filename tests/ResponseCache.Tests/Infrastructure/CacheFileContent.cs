using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Reads ai_responses.json the way any strict JSON reader would, independently of the engine.</summary>
internal static class CacheFileContent
{
    private static readonly byte[] s_byteOrderMark = { 0xEF, 0xBB, 0xBF };

    /// <summary>The lowercase hex SHA-256 of the key's UTF-8, computed here without the engine's code.</summary>
    public static string HashOf(string key) => PlatformSha256Hex(Encoding.UTF8.GetBytes(key));

    /// <summary>The platform's SHA-256 of the bytes, as lowercase hex: the oracle the engine's own SHA-256 is held to.</summary>
    public static string PlatformSha256Hex(byte[] data)
    {
        using SHA256 sha256 = SHA256.Create();
        return Hex(sha256.ComputeHash(data));
    }

    public static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Every entry by name; fails the test if the file is not one strict JSON object.</summary>
    public static Dictionary<string, JsonElement> Entries(string cacheFile)
    {
        byte[] bytes = File.ReadAllBytes(cacheFile);
        Assert.False(bytes.AsSpan().StartsWith(s_byteOrderMark), "The cache file starts with a byte-order mark, which the Python reference cannot read.");
        using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 2000 });
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone());
    }

    public static JsonElement Entry(string cacheFile, string key)
    {
        Dictionary<string, JsonElement> entries = Entries(cacheFile);
        Assert.True(entries.TryGetValue(HashOf(key), out JsonElement entry), $"The cache file has no entry for key '{key}'.");
        return entry;
    }

    public static bool Contains(string cacheFile, string key) => Entries(cacheFile).ContainsKey(HashOf(key));

    /// <summary>An entry as the reference writes it, for hand-made files.</summary>
    public static string EntryJson(string responseJson, double? createdAt, double? lastAccessed, string extraFields = "")
    {
        var fields = new List<string> { $"\"response\": {responseJson}", "\"timestamp\": \"2026-01-01 00:00:00\"" };
        if (createdAt is double created)
        {
            fields.Add($"\"created_at\": {created.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (lastAccessed is double accessed)
        {
            fields.Add($"\"last_accessed\": {accessed.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        fields.Add("\"text_length\": 1");
        if (extraFields.Length > 0)
        {
            fields.Add(extraFields);
        }

        return "{\n    " + string.Join(",\n    ", fields) + "\n  }";
    }

    /// <summary>Writes a cache file of (key, entry JSON) pairs in the given order.</summary>
    public static void Write(string cacheFile, params (string Key, string EntryJson)[] entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(cacheFile)!);
        string body = string.Join(",\n", entries.Select(entry => $"  \"{HashOf(entry.Key)}\": {entry.EntryJson}"));
        File.WriteAllText(cacheFile, "{\n" + body + "\n}", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
