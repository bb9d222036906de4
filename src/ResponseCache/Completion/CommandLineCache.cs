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
    private static readonly TimeSpan s_redisTimeout = TimeSpan.FromMilliseconds(500);

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
    /// -Path is resolved against its current location.
    /// </summary>
    public static CommandLineCache? From(IDictionary boundParameters)
    {
        string? path = Bound<string>(boundParameters, nameof(ResponseCacheCommand.Path));
        string? server = CacheSelector.RedisServerFor(path, Bound<string>(boundParameters, nameof(ResponseCacheCommand.ConnectionString)));
        string @namespace = CacheSelector.NamespaceFor(Bound<string>(boundParameters, nameof(ResponseCacheCommand.Namespace)));
        if (server is not null)
        {
            return new CommandLineCache(null, server, @namespace, Bound<PSCredential>(boundParameters, nameof(ResponseCacheCommand.Credential)));
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
        ICacheBackend cache = RedisBackendLoader.OpenBrief(_server!, _namespace, user, password, s_redisTimeout, out IDisposable connection);
        using (connection)
        {
            return cache.ListEntries(CachePolicy.Default, NullCacheLog.Instance);
        }
    }

    private static T? Bound<T>(IDictionary boundParameters, string name)
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
