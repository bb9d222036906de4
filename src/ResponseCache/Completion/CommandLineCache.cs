using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using ResponseCache.Commands;
using ResponseCache.Core;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Completion;

/// <summary>
/// The cache a command line being completed names, by the rules a cmdlet chooses by (<see cref="CacheSelector"/>),
/// looked at without changing anything: a directory is read as a user without write permission would read it (no
/// directory, lock file, access time or repair is written), and a Redis namespace through a connection of its own
/// with short timeouts. A name that is not a cache yet, or cannot be read, lists nothing.
/// </summary>
internal sealed class CommandLineCache
{
    private readonly string? _directory;
    private readonly string? _server;
    private readonly string _namespace;
    private readonly PSCredential? _credential;

    private CommandLineCache(string? directory, string? server, string @namespace, PSCredential? credential)
    {
        _directory = directory;
        _server = server;
        _namespace = @namespace;
        _credential = credential;
    }

    /// <summary>
    /// The cache of the command line's -Path, -ConnectionString, -Namespace and -Credential, or of the environment;
    /// null when it names a directory that does not exist. Runs on the completing runspace's thread: a relative
    /// -Path is resolved against its current location. Invoke-CachedRestMethod's -Credential is the request's, never
    /// sent to Redis: the cache's is -CacheCredential there.
    /// </summary>
    public static CommandLineCache? From(string commandName, IDictionary boundParameters)
    {
        string? path = Bound<string>(boundParameters, nameof(ResponseCacheCommand.Path));
        string? server = CacheSelector.RedisServerFor(path, Bound<string>(boundParameters, nameof(ResponseCacheCommand.ConnectionString)));
        string @namespace = CacheSelector.NamespaceFor(Bound<string>(boundParameters, nameof(ResponseCacheCommand.Namespace)));
        if (server is not null)
        {
            return new CommandLineCache(null, server, @namespace, Bound<PSCredential>(boundParameters, CacheCredentialParameter(commandName)));
        }

        string? directory = path is null ? CacheLocation.ResolveDefault() : ResolveFileSystemPath(path);
        return directory is not null && Directory.Exists(directory) ? new CommandLineCache(directory, null, @namespace, null) : null;
    }

    /// <summary>Every entry's metadata, least recently used first.</summary>
    public IReadOnlyList<CacheEntryInfo> ListEntries()
    {
        if (_directory is not null)
        {
            var reader = new DirectoryCache(_directory, new DirectoryCacheOptions { FileSystem = ReadOnlyFileSystem.Instance });
            return reader.ListEntries(CachePolicy.Default, NullCacheLog.Instance);
        }

        (string? user, string? password) = CacheSelector.SecretOf(_credential);
        ICacheBackend cache = RedisBackendLoader.OpenBrief(_server!, _namespace, user, password, BriefLook.RedisTimeout, out IDisposable connection);
        using (connection)
        {
            return cache.ListEntries(CachePolicy.Default, NullCacheLog.Instance);
        }
    }

    /// <summary>The name of the parameter that holds the cache's credential on <paramref name="commandName"/>.</summary>
    internal static string CacheCredentialParameter(string commandName) =>
        string.Equals(commandName, "Invoke-CachedRestMethod", StringComparison.OrdinalIgnoreCase)
            ? nameof(InvokeCachedRestMethodCommand.CacheCredential)
            : nameof(ResponseCacheCommand.Credential);

    /// <summary>A parameter's value on the command line being completed, or null when it is not there or not a <typeparamref name="T"/>.</summary>
    internal static T? Bound<T>(IDictionary boundParameters, string name)
        where T : class
    {
        object? value = boundParameters.Contains(name) ? boundParameters[name] : null;
        return (value is PSObject wrapped ? wrapped.BaseObject : value) as T;
    }

    // What a cmdlet's provider resolution gives, through the completing runspace: null for a path that does not
    // exist or is not on the file system.
    private static string? ResolveFileSystemPath(string path)
    {
        using PowerShell shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand(@"Microsoft.PowerShell.Management\Resolve-Path")
            .AddParameter("LiteralPath", path)
            .AddParameter("ErrorAction", ActionPreference.Ignore);
        PathInfo? resolved = shell.Invoke<PathInfo>().FirstOrDefault();
        return resolved?.Provider.ImplementingType == typeof(FileSystemProvider) ? resolved.ProviderPath : null;
    }
}
