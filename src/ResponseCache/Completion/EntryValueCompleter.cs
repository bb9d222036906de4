using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ResponseCache.Core;

namespace ResponseCache.Completion;

/// <summary>
/// Offers the values the entries of the cache the command line names carry (their tags, their models) that start with
/// what is typed, in any case, each once with how many entries carry it. Like <see cref="KeyHashCompleter"/> it only
/// reads, waits about a second at most, and offers nothing when the cache cannot be read or reached in time.
/// </summary>
internal abstract class EntryValueCompleter : IArgumentCompleter
{
    /// <summary>What an entry carries of the value completed.</summary>
    private protected abstract IEnumerable<string> ValuesOf(CacheEntryInfo entry);

    /// <summary>When two spellings are one value (tags: in any case).</summary>
    private protected abstract StringComparer Sameness { get; }

    /// <summary>The tooltip of a value: what it is, and how many entries carry it.</summary>
    private protected abstract string Describe(string value, int entries);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            CommandLineCache? cache = CommandLineCache.From(commandName, fakeBoundParameters);
            if (cache is null || !BriefLook.TryWithin(() => cache.ListEntries(), out IReadOnlyList<CacheEntryInfo> entries))
            {
                return Array.Empty<CompletionResult>();
            }

            string typed = CompletionText.Unquoted(wordToComplete);
            bool quoted = CompletionText.IsQuoted(wordToComplete);
            return entries
                .SelectMany(entry => ValuesOf(entry).Distinct(Sameness))
                .Where(value => value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .GroupBy(value => value, Sameness)
                .OrderBy(group => group.Key, StringComparer.OrdinalIgnoreCase)
                .Select(group => new CompletionResult(CompletionText.AsArgument(group.Key, quoted), group.Key, CompletionResultType.ParameterValue, Describe(group.Key, group.Count())))
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A completer never fails the command line, and an empty answer keeps PowerShell from offering file names.
            return Array.Empty<CompletionResult>();
        }
    }

    private protected static string Entries(int count) => count == 1 ? "1 entry" : $"{count:N0} entries";
}
