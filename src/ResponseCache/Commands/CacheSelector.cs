using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using Microsoft.PowerShell.Commands;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// Chooses and opens the cache a cmdlet works on, for its source (every cmdlet) and for Copy-ResponseCache's
/// destination. Which cache: -Path, then -ConnectionString, then RESPONSECACHE_REDIS, then RESPONSECACHE_PATH, then
/// the per-user directory. A name that cannot be a cache ends the cmdlet with a terminating error.
/// </summary>
internal sealed class CacheSelector
{
    /// <summary>A connection string that makes a Redis namespace every cmdlet's default cache, as a job on many hosts needs.</summary>
    public const string RedisVariable = "RESPONSECACHE_REDIS";

    /// <summary>The namespace of every call that names none, which $PSDefaultParameterValues cannot give -Parallel runspaces.</summary>
    public const string NamespaceVariable = "RESPONSECACHE_NAMESPACE";

    private const string DefaultNamespace = "default";

    // Redis's own name for the user of a server that has only a password.
    private const string DefaultUser = "default";

    private readonly PSCmdlet _cmdlet;

    public CacheSelector(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>The cache that a cmdlet's -Path, -ConnectionString, -Namespace and -Credential (any of them null) choose.</summary>
    public ICacheBackend Select(string? path, string? connectionString, string? @namespace, PSCredential? credential)
    {
        if (RedisServerFor(path, connectionString) is string server)
        {
            return OpenRedis(server, @namespace, credential, fromVariable: connectionString is null);
        }

        if (@namespace is not null || credential is not null)
        {
            _cmdlet.WriteVerbose("-Namespace and -Credential apply to a Redis cache; this call uses a cache directory.");
        }

        return OpenDirectory(path);
    }

    /// <summary>The Redis server a call with this -Path and -ConnectionString uses (RESPONSECACHE_REDIS when it names neither); null for a cache directory.</summary>
    public static string? RedisServerFor(string? path, string? connectionString) =>
        path is null ? connectionString ?? NonEmpty(Environment.GetEnvironmentVariable(RedisVariable)) : null;

    /// <summary>The namespace a call with this -Namespace uses: RESPONSECACHE_NAMESPACE when it gives none, else "default".</summary>
    public static string NamespaceFor(string? @namespace) =>
        @namespace ?? NonEmpty(Environment.GetEnvironmentVariable(NamespaceVariable)) ?? DefaultNamespace;

    /// <summary>The Redis user and password of a -Credential (null for none); a user of "default" means a password only.</summary>
    public static (string? User, string? Password) SecretOf(PSCredential? credential)
    {
        NetworkCredential? secret = credential?.GetNetworkCredential();
        return (secret is null || secret.UserName == DefaultUser ? null : secret.UserName, secret?.Password);
    }

    /// <summary>A namespace's cache on a Redis server (for a null namespace, RESPONSECACHE_NAMESPACE, else "default").</summary>
    public ICacheBackend OpenRedis(string connectionString, string? @namespace, PSCredential? credential) =>
        OpenRedis(connectionString, @namespace, credential, fromVariable: false);

    private ICacheBackend OpenRedis(string connectionString, string? @namespace, PSCredential? credential, bool fromVariable)
    {
        string name = NamespaceFor(@namespace);
        if (@namespace is null)
        {
            ThrowIfVariableNotNamespace(name);
        }

        (string? user, string? password) = SecretOf(credential);
        try
        {
            return RedisBackendLoader.Open(connectionString, name, user, password);
        }
        catch (ArgumentException ex)
        {
            // The connection string is not the target: it may hold a password. One the call did not give is named as the
            // variable it came from, as a bad RESPONSECACHE_NAMESPACE is.
            Exception reported = fromVariable ? new ArgumentException($"{RedisVariable}: {ex.Message}", ex) : ex;
            _cmdlet.ThrowTerminatingError(new ErrorRecord(reported, ErrorIds.InvalidConnectionString, ErrorCategory.InvalidArgument, name));
            throw;
        }
    }

    /// <summary>The engine of a cache directory (the default one for a null path).</summary>
    public DirectoryCache OpenDirectory(string? path)
    {
        string directory = ResolveDirectory(path);
        DirectoryCache? engine = OpenCaches.FindDirectory(directory);
        if (engine is null)
        {
            // Checked once per directory and process, not on every call: a hit costs less than this stat.
            ThrowIfFile(directory);
            engine = OpenCaches.OpenDirectory(directory);
        }

        return engine;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // -Namespace is checked as it binds; the variable is checked here, so a bad one is named as the variable.
    private void ThrowIfVariableNotNamespace(string name)
    {
        try
        {
            RedisNamespaceRule.Validate(name);
        }
        catch (ArgumentException ex)
        {
            _cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The {NamespaceVariable} environment variable, '{name}', is not a namespace: it must be 1 to {RedisNamespaceRule.MaxLength} characters, without white space, control characters or braces.", ex),
                ErrorIds.InvalidNamespace,
                ErrorCategory.InvalidArgument,
                name));
        }
    }

    private string ResolveDirectory(string? path)
    {
        string requested;
        try
        {
            requested = path ?? CacheLocation.ResolveDefault();
        }
        catch (CacheHomeNotFoundException ex) when (CacheErrorRecords.TryCreate(ex, null, out ErrorRecord record))
        {
            _cmdlet.ThrowTerminatingError(record);
            throw;
        }

        try
        {
            // The cache registry normalises the path, so a native one needs nothing more here.
            return NativeCachePath.IsFullyQualified(requested, _cmdlet.SessionState) ? requested : ResolveThroughProvider(requested);
        }
        catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
        {
            _cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.CachePathInvalid, ErrorCategory.InvalidArgument, requested));
            throw;
        }
    }

    private void ThrowIfFile(string directory)
    {
        if (File.Exists(directory))
        {
            _cmdlet.ThrowTerminatingError(new ErrorRecord(
                new IOException($"The cache path '{directory}' is a file; -Path names the directory that holds ai_responses.json."),
                ErrorIds.CachePathIsFile,
                ErrorCategory.InvalidArgument,
                directory));
        }
    }

    private string ResolveThroughProvider(string requested)
    {
        string directory = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(requested, out ProviderInfo provider, out _);
        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            _cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The cache path '{requested}' is on the {provider.Name} provider; the cache must be on the file system."),
                ErrorIds.CachePathNotFileSystem,
                ErrorCategory.InvalidArgument,
                requested));
        }

        return directory;
    }
}
