using System.Text;
using ResponseCache.Core;

namespace ResponseCache;

/// <summary>How messages name a key: its first characters and its short hash, never a whole 1 MB -InputText.</summary>
internal static class KeyText
{
    private const int ShownCharacters = 40;

    public static string Describe(string key)
    {
        string hash = KeyHash.Compute(key).ToShortString();
        if (key.Length <= ShownCharacters)
        {
            return $"'{Printable(key)}' (key {hash})";
        }

        // Never half of a surrogate pair at the cut.
        int shown = char.IsHighSurrogate(key[ShownCharacters - 1]) ? ShownCharacters - 1 : ShownCharacters;
        return $"'{Printable(key.Substring(0, shown))}…' ({key.Length:N0} characters, key {hash})";
    }

    // A key's line breaks and control characters as PowerShell's escapes, so a prompt's newlines cannot break a
    // -WhatIf line and its escape sequences cannot clear or recolour the user's terminal.
    private static string Printable(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            printable.Append(c switch
            {
                '\n' => "`n",
                '\r' => "`r",
                '\t' => "`t",
                '\u001b' => "`e",
                '\0' => "`0",
                _ when char.IsControl(c) || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => $"`u{{{(int)c:x}}}",
                _ => c.ToString(),
            });
        }

        return printable.ToString();
    }
}
