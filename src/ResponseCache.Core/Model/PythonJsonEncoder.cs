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

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        int i = 0;
        while (i < utf8Text.Length)
        {
            byte b = utf8Text[i];
            if (b < 0x80)
            {
                if (WillEncode(b))
                {
                    return i;
                }

                i++;
                continue;
            }

            int length = WellFormedSequenceLength(utf8Text.Slice(i));
            if (length == 0)
            {
                // Ill-formed UTF-8 goes to the base encoder, which replaces it.
                return i;
            }

            i += length;
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

    // The length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF) that the
    // text starts with, or 0.
    private static int WellFormedSequenceLength(ReadOnlySpan<byte> text)
    {
        byte lead = text[0];
        int length;
        byte min = 0x80;
        byte max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF)
        {
            length = 2;
        }
        else if (lead >= 0xE0 && lead <= 0xEF)
        {
            length = 3;
            min = lead == 0xE0 ? (byte)0xA0 : (byte)0x80;
            max = lead == 0xED ? (byte)0x9F : (byte)0xBF;
        }
        else if (lead >= 0xF0 && lead <= 0xF4)
        {
            length = 4;
            min = lead == 0xF0 ? (byte)0x90 : (byte)0x80;
            max = lead == 0xF4 ? (byte)0x8F : (byte)0xBF;
        }
        else
        {
            return 0;
        }

        if (text.Length < length || text[1] < min || text[1] > max)
        {
            return 0;
        }

        for (int i = 2; i < length; i++)
        {
            if (text[i] < 0x80 || text[i] > 0xBF)
            {
                return 0;
            }
        }

        return length;
    }
}
