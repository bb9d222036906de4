namespace ResponseCache.Core;

/// <summary>Text measures that must agree with the Python reference.</summary>
internal static class PythonText
{
    /// <summary>Python's len(): Unicode code points, so a surrogate pair counts once.</summary>
    public static int Length(string text)
    {
        int length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            length++;
        }

        return length;
    }
}
