using System;
using System.Collections.Generic;
using ResponseCache.Core;

namespace ResponseCache.Completion;

/// <summary>Offers the tags the entries of the command line's cache carry, for -Tag: tags that differ only in case are one, spelled as the least recently used entry spells it.</summary>
internal sealed class TagCompleter : EntryValueCompleter
{
    private protected override StringComparer Sameness => EntryTags.Comparer;

    private protected override IEnumerable<string> ValuesOf(CacheEntryInfo entry) => entry.Tags;

    private protected override string Describe(string value, int entries) => $"{value}: {Entries(entries)} tagged";
}
