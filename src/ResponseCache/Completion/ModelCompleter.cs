using System;
using System.Collections.Generic;
using ResponseCache.Core;

namespace ResponseCache.Completion;

/// <summary>Offers the models the entries of the command line's cache recorded, for -Model.</summary>
internal sealed class ModelCompleter : EntryValueCompleter
{
    private protected override StringComparer Sameness => StringComparer.Ordinal;

    private protected override IEnumerable<string> ValuesOf(CacheEntryInfo entry) =>
        string.IsNullOrEmpty(entry.Model) ? Array.Empty<string>() : new[] { entry.Model! };

    private protected override string Describe(string value, int entries) => $"{value}: {Entries(entries)}";
}
