namespace ResponseCache.Core;

/// <summary>
/// Text that UTF-8 holds exactly. A lone surrogate has no UTF-8 form: encoders write U+FFFD in its place, so two keys
/// that differ only there would be one entry, and a response holding one would come back changed. Python refuses such
/// text too (UnicodeEncodeError), so the reference never made such an entry.
/// </summary>
public static class UnicodeText
{
    /// <summary>The index of the first UTF-16 code unit that is half of no surrogate pair; -1 when the text is sound.</summary>
    public static int IndexOfLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <exception cref="InvalidTextException">The text holds a lone surrogate; <paramref name="what"/> names the text in the message.</exception>
    public static void EnsureValid(string text, string what)
    {
        int index = IndexOfLoneSurrogate(text);
        if (index >= 0)
        {
            throw new InvalidTextException(what, index, text[index]);
        }
    }
}
