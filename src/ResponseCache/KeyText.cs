using ResponseCache.Core;

namespace ResponseCache;

/// <summary>How messages name a key: its first characters and its short hash, never a whole 1 MB -InputText.</summary>
internal static class KeyText
{
    private const int ShownCharacters = 40;

    public static string Describe(string key)
    {
        string hash = KeyHash.Compute(key).ToShortString();
        return key.Length <= ShownCharacters
            ? $"'{key}' (key {hash})"
            : $"'{key.Substring(0, ShownCharacters)}…' ({key.Length:N0} characters, key {hash})";
    }
}
