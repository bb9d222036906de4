using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>Where a file's JSON breaks, in words a person can act on (System.Text.Json's own message names its reader's internals).</summary>
internal static class BrokenJson
{
    public static string Describe(JsonException ex) =>
        $"the JSON is broken near byte {ex.BytePositionInLine ?? 0} of line {(ex.LineNumber ?? 0) + 1}";
}
