using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>The cache writes text byte for byte as the reference's json.dump(ensure_ascii=False) writes it.</summary>
public sealed class PythonTextEscapingTests : CacheTestBase
{
    private static readonly string[] s_texts =
    {
        "plain ascii",
        "rocket \U0001F680 and family \U0001F469\u200D\U0001F469\u200D\U0001F467",
        "caf\u00e9 \u4e2d\u6587 \ud55c\uad6d\uc5b4 \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
        "quote \" backslash \\ slash /",
        "controls \n\r\t\b\f \u0001 \u001b \u001f end",
        "html <script>&amp;'+`</script>",
        "separators \u2028 \u2029 del \u007f bom \ufeff replacement \ufffd",
    };

    [PythonFact]
    public void Text_is_escaped_exactly_as_the_reference_escapes_it()
    {
        JsonArray python = ReferenceCacheManager.Run(CacheDirectory, s_texts.Select(text => new object?[] { "dumps", text }).ToArray());

        for (int i = 0; i < s_texts.Length; i++)
        {
            string expected = python[i]!.GetValue<string>();
            Assert.Equal(expected, Encoding.UTF8.GetString(WrittenByTheCache(s_texts[i])));
            Assert.Equal(expected, Encoding.UTF8.GetString(WrittenByTheCache(Encoding.UTF8.GetBytes(s_texts[i]))));
        }
    }

    [PythonFact]
    public void Escaped_json_text_is_stored_as_the_reference_would_rewrite_it()
    {
        // A response given as JSON text with \u escapes (as ConvertTo-Json writes non-ASCII on Windows PowerShell).
        byte[] given = Encoding.UTF8.GetBytes("\"\\ud83d\\ude80 caf\\u00e9 \\u2028 \\n\"");

        JsonArray python = ReferenceCacheManager.Run(CacheDirectory, new object?[] { "dumps", JsonSerializer.Deserialize<string>(given) });

        Assert.Equal(python[0]!.GetValue<string>(), Encoding.UTF8.GetString(ResponseJson.ToCompact(given, "response")));
    }

    private static byte[] WrittenByTheCache(string text) => Write(writer => writer.WriteStringValue(text));

    private static byte[] WrittenByTheCache(byte[] utf8) => Write(writer => writer.WriteStringValue(utf8));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ResponseJson.Encoder }))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
