using System.Text;
using System.Text.Json;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Responses as the engine stores them: compact UTF-8 JSON.</summary>
internal static class Responses
{
    public static byte[] Json(string text) => JsonSerializer.SerializeToUtf8Bytes(text);

    public static string? Text(byte[]? json) => json is null ? null : JsonSerializer.Deserialize<string>(json);

    /// <summary>A JSON string response whose encoded form is exactly <paramref name="jsonBytes"/> bytes long.</summary>
    public static byte[] OfSize(int jsonBytes, char fill = 'x') => Encoding.UTF8.GetBytes("\"" + new string(fill, jsonBytes - 2) + "\"");

    /// <summary>A response of <paramref name="depth"/> nested arrays around a number.</summary>
    public static byte[] Nested(int depth) => Encoding.UTF8.GetBytes(new string('[', depth) + "1" + new string(']', depth));
}
