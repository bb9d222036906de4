using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ResponseCache.Commands;

namespace ResponseCache.Completion;

/// <summary>
/// Offers the namespaces of the Redis server the command line names (-ConnectionString, else RESPONSECACHE_REDIS; for
/// -DestinationNamespace, -DestinationConnectionString) from the server's own index of them, never a scan of its keys.
/// Namespaces are case-sensitive, but what is typed matches in any case, as PowerShell completes names: the
/// completion puts in the namespace as it is spelled, so no other namespace is ever named. A server that cannot be
/// reached within about a second, or a connection string that is not one, offers nothing.
/// </summary>
internal sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            bool destination = parameterName == nameof(CopyResponseCacheCommand.DestinationNamespace);
            string? server = destination
                ? CommandLineCache.Bound<string>(fakeBoundParameters, nameof(CopyResponseCacheCommand.DestinationConnectionString))
                : CacheSelector.RedisServerFor(
                    CommandLineCache.Bound<string>(fakeBoundParameters, nameof(ResponseCacheCommand.Path)),
                    CommandLineCache.Bound<string>(fakeBoundParameters, nameof(ResponseCacheCommand.ConnectionString)));
            if (server is null)
            {
                return Array.Empty<CompletionResult>();
            }

            PSCredential? credential = CommandLineCache.Bound<PSCredential>(fakeBoundParameters, CredentialParameter(commandName, destination));
            (string? user, string? password) = CacheSelector.SecretOf(credential);
            if (!BriefLook.TryWithin(() => RedisBackendLoader.ListNamespaces(server, user, password, BriefLook.RedisTimeout), out IReadOnlyList<string> namespaces))
            {
                return Array.Empty<CompletionResult>();
            }

            string typed = CompletionText.Unquoted(wordToComplete);
            bool quoted = CompletionText.IsQuoted(wordToComplete);
            return namespaces
                .Where(name => name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(name => new CompletionResult(CompletionText.AsArgument(name, quoted), name, CompletionResultType.ParameterValue, name))
                .ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A completer never fails the command line, and an empty answer keeps PowerShell from offering file names.
            return Array.Empty<CompletionResult>();
        }
    }

    private static string CredentialParameter(string commandName, bool destination) =>
        destination ? nameof(CopyResponseCacheCommand.DestinationCredential)
        : CommandLineCache.CacheCredentialParameter(commandName);
}
