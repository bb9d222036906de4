using System.Collections.Generic;
using System.Linq;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>How the cmdlets that select by -Tag pick and describe entries: any of the tags, in any case.</summary>
internal static class TagSelection
{
    public static bool Matches(CacheEntryInfo entry, IReadOnlyCollection<string> tags) => EntryTags.HasAny(entry.Tags, tags);

    public static string Describe(IReadOnlyCollection<string> tags) =>
        (tags.Count == 1 ? "tagged " : "tagged any of ") + string.Join(", ", tags.Select(tag => $"'{tag}'"));

    public static string CountText(int count) => count == 1 ? "1 entry" : $"{count:N0} entries";
}
