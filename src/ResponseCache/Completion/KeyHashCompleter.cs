using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ResponseCache.Core;

namespace ResponseCache.Completion;

/// <summary>
/// Offers the key hashes of the cache the command line names that start with the digits typed, least recently used
/// first, each with its creation time and size. It waits about a second at most: a cache that takes longer to list,
/// or cannot be read or reached, offers nothing.
/// </summary>
internal sealed class KeyHashCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            CommandLineCache? cache = CommandLineCache.From(commandName, fakeBoundParameters);
            if (cache is null)
            {
                return Array.Empty<CompletionResult>();
            }

            if (!BriefLook.TryWithin(() => cache.ListEntries(), out IReadOnlyList<CacheEntryInfo> entries))
            {
                return Array.Empty<CompletionResult>();
            }

            return entries
                .Where(entry => entry.KeyHash.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(entry => new CompletionResult(entry.KeyHash, entry.KeyHash, CompletionResultType.ParameterValue, Describe(entry)))
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A completer never fails the command line, and an empty answer keeps PowerShell from offering file names.
            return Array.Empty<CompletionResult>();
        }
    }

    private static string Describe(CacheEntryInfo entry)
    {
        string created = entry.Created is DateTime time ? "created " + time.ToString("yyyy-MM-dd HH:mm") : "no creation time";
        return $"{entry.KeyHash.Substring(0, KeyHashPrefix.MinLength)}: {created}, {entry.SizeBytes:N0} bytes" + (entry.IsExpired ? ", expired" : string.Empty);
    }
}
