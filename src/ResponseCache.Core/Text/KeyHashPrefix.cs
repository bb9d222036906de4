using System;

namespace ResponseCache.Core;

/// <summary>
/// The leading hex digits of a key hash, at least the eight that tables and messages show: a name for the one entry
/// whose hash starts with them. Fewer digits would too often name several entries of a large cache.
/// </summary>
public readonly struct KeyHashPrefix
{
    public const int MinLength = 8;

    private const int MaxLength = 64;

    private readonly string _digits;

    private KeyHashPrefix(string lowercaseDigits) => _digits = lowercaseDigits;

    /// <summary>Parses 8 to 64 hex digits; either case is accepted.</summary>
    public static bool TryParse(string? text, out KeyHashPrefix prefix)
    {
        prefix = default;
        if (text is null || text.Length < MinLength || text.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!Uri.IsHexDigit(c))
            {
                return false;
            }
        }

        prefix = new KeyHashPrefix(text.ToLowerInvariant());
        return true;
    }

    public bool IsPrefixOf(KeyHash hash) => hash.ToString().StartsWith(_digits, StringComparison.Ordinal);

    /// <summary>The digits, lowercase, as entries are named in ai_responses.json.</summary>
    public override string ToString() => _digits ?? string.Empty;
}
