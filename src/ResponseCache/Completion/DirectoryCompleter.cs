using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ResponseCache.Completion;

/// <summary>-Path and -DestinationPath name a cache directory, and a file there is refused (CachePathIsFile): only directories are offered.</summary>
internal sealed class DirectoryCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CompletionCompleters.CompleteFilename(wordToComplete)
                .Where(result => result.ResultType == CompletionResultType.ProviderContainer)
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A completer never fails the command line; PowerShell would offer every file instead.
            return Array.Empty<CompletionResult>();
        }
    }
}
