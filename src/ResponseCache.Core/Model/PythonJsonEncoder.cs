using System;
using System.Text.Encodings.Web;

namespace ResponseCache.Core;

/// <summary>
/// Escapes JSON text exactly as Python's json.dumps(ensure_ascii=False) does, so the cache file holds the bytes the
/// reference would write: only the quote, the backslash and control characters are escaped (\n, \r, \t, \b, \f and
/// lower-case \u00xx); everything else, emoji and other characters beyond the BMP included, is written as UTF-8.
/// The platform's relaxed encoder would write a rocket as \uD83D\uDE80.
/// </summary>
public sealed class PythonJsonEncoder : JavaScriptEncoder
{
    public static readonly PythonJsonEncoder Instance = new PythonJsonEncoder();

    private PythonJsonEncoder()
    {
    }

    // "\u00xx" is the longest escape this encoder writes.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (WillEncode(c))
            {
                return i;
            }

            if (char.IsHighSurrogate(c) && i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate cannot be written as UTF-8: the base encoder replaces it.
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string text = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            < 0x20 => "\\u00" + unicodeScalar.ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
            _ => char.ConvertFromUtf32(unicodeScalar),
        };

        if (text.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            buffer[i] = text[i];
        }

        numberOfCharactersWritten = text.Length;
        return true;
    }
}
