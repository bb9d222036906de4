using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ResponseCache.Core;

/// <summary>
/// The SHA-256 of a key's UTF-8 text, the identity of an entry on disk (as lowercase hex) and in memory
/// (as four words, so lookups neither allocate a hex string nor compare 64 characters).
/// </summary>
public readonly struct KeyHash : IEquatable<KeyHash>
{
    private const int HexLength = 64;

    // A SHA256 instance is not thread-safe, and creating one per key costs more than hashing a short key.
    [ThreadStatic]
    private static SHA256? s_sha256;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private KeyHash(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <exception cref="InvalidTextException">The key holds a lone surrogate, which would hash as U+FFFD does.</exception>
    public static KeyHash Compute(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        UnicodeText.EnsureValid(text, "The key");
        int byteCount = Encoding.UTF8.GetByteCount(text);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(text, 0, text.Length, buffer, 0);
            return FromDigest((s_sha256 ??= SHA256.Create()).ComputeHash(buffer, 0, byteCount));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses the 64 hex digits of an on-disk entry name; either case is accepted.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out KeyHash hash)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            return false;
        }

        Span<ulong> words = stackalloc ulong[4];
        for (int word = 0; word < 4; word++)
        {
            ulong value = 0;
            for (int i = 0; i < 16; i++)
            {
                int nibble = HexValue(hex[(word * 16) + i]);
                if (nibble < 0)
                {
                    return false;
                }

                value = (value << 4) | (uint)nibble;
            }

            words[word] = value;
        }

        hash = new KeyHash(words[0], words[1], words[2], words[3]);
        return true;
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8Hex, out KeyHash hash)
    {
        hash = default;
        if (utf8Hex.Length != HexLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[HexLength];
        for (int i = 0; i < HexLength; i++)
        {
            chars[i] = (char)utf8Hex[i];
        }

        return TryParse(chars, out hash);
    }

    public bool Equals(KeyHash other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is KeyHash other && Equals(other);

    // The words are uniformly distributed digest bits, so any 32 of them make a good hash code.
    public override int GetHashCode() => (int)_w0;

    /// <summary>The lowercase hex form the reference uses as the entry's name in ai_responses.json.</summary>
    public override string ToString()
    {
        char[] chars = new char[HexLength];
        WriteHex(_w0, chars, 0);
        WriteHex(_w1, chars, 16);
        WriteHex(_w2, chars, 32);
        WriteHex(_w3, chars, 48);
        return new string(chars);
    }

    /// <summary>The first eight hex digits, as the reference prints in its messages.</summary>
    public string ToShortString() => ToString().Substring(0, 8);

    public static bool operator ==(KeyHash left, KeyHash right) => left.Equals(right);

    public static bool operator !=(KeyHash left, KeyHash right) => !left.Equals(right);

    private static KeyHash FromDigest(ReadOnlySpan<byte> digest) => new KeyHash(
        BinaryPrimitives.ReadUInt64BigEndian(digest.Slice(0, 8)),
        BinaryPrimitives.ReadUInt64BigEndian(digest.Slice(8, 8)),
        BinaryPrimitives.ReadUInt64BigEndian(digest.Slice(16, 8)),
        BinaryPrimitives.ReadUInt64BigEndian(digest.Slice(24, 8)));

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static void WriteHex(ulong word, char[] destination, int offset)
    {
        const string Digits = "0123456789abcdef";
        for (int i = 15; i >= 0; i--)
        {
            destination[offset + i] = Digits[(int)(word & 0xF)];
            word >>= 4;
        }
    }
}
