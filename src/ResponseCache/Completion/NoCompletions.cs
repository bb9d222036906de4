using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ResponseCache.Completion;

/// <summary>
/// For a parameter that takes text (a key, a prompt) or names a server: PowerShell offers file names where a parameter
/// has no completer, and takes an empty answer from one as "nothing to offer".
/// </summary>
internal sealed class NoCompletions : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Array.Empty<CompletionResult>();
}
