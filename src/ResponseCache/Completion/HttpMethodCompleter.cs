using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ResponseCache.Completion;

/// <summary>
/// Offers the methods Invoke-RestMethod's -Method takes (its WebRequestMethod names, which the PowerShell Standard
/// reference does not carry), for Invoke-CachedRestMethod's -Method, which passes its text on to it.
/// </summary>
internal sealed class HttpMethodCompleter : IArgumentCompleter
{
    private static readonly string[] s_methods = { "Get", "Head", "Post", "Put", "Delete", "Trace", "Options", "Merge", "Patch" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = CompletionText.Unquoted(wordToComplete);
        return s_methods
            .Where(method => method.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(method => method, StringComparer.Ordinal)
            .Select(method => new CompletionResult(method, method, CompletionResultType.ParameterValue, method.ToUpperInvariant()));
    }
}
