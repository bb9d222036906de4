using System;

namespace ResponseCache.Core;

/// <summary>The documented, stable way to build a key from its parts, so scripts stop hand-building them.</summary>
public static class CacheKeys
{
    public const char Separator = '|';

    /// <summary>
    /// "model|prompt|inputText", or "model|prompt" without input text: the composite the Python scripts this
    /// module replaces build, so both find the same entries. The key is the raw text; parts are not escaped.
    /// </summary>
    public static string Compose(string model, string prompt, string? inputText)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }

        if (prompt is null)
        {
            throw new ArgumentNullException(nameof(prompt));
        }

        return inputText is null
            ? string.Concat(model, Separator.ToString(), prompt)
            : string.Concat(model, Separator.ToString(), prompt, Separator.ToString(), inputText);
    }
}
