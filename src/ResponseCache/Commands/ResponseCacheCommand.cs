using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using Microsoft.PowerShell.Commands;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// What every ResponseCache cmdlet shares: choosing the cache (-Path, or -ConnectionString with -Namespace and
/// -Credential), reporting, and Ctrl+C. Which cache: -Path, then -ConnectionString, then RESPONSECACHE_REDIS, then
/// RESPONSECACHE_PATH, then the per-user directory. -Path and -ConnectionString are not separate parameter sets, so a
/// $PSDefaultParameterValues entry for one never makes a call that names the other ambiguous.
/// </summary>
public abstract class ResponseCacheCommand : PSCmdlet, IDisposable
{
    /// <summary>A connection string that makes a Redis namespace every cmdlet's default cache, as a job on many hosts needs.</summary>
    public const string RedisVariable = "RESPONSECACHE_REDIS";

    private const string DefaultNamespace = "default";

    // Redis's own name for the user of a server that has only a password.
    private const string DefaultUser = "default";

    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private ICacheBackend? _cache;
    private ICacheLog? _log;

    /// <summary>The cache directory. Relative paths resolve against the current PowerShell location. Wins over -ConnectionString.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>A Redis server to keep the cache on: a StackExchange.Redis configuration string, or a redis:// or rediss:// URI.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The cache's name on the Redis server ("default" when not given); caches in other namespaces are never touched.</summary>
    [Parameter]
    [ValidatePattern(RedisNamespaceRule.Pattern)]
    public string? Namespace { get; set; }

    /// <summary>The Redis user and password, so neither is written on the command line; a user of "default" means a password only.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Cancelled by Ctrl+C (StopProcessing): every wait the engine does for this cmdlet takes it.</summary>
    private protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>The cache this call is about; resolved in BeginProcessing, or on first use by a cmdlet that skips that.</summary>
    private protected ICacheBackend Cache => _cache ??= ResolveCache();

    /// <summary>The engine's messages, routed to this cmdlet's verbose and warning streams.</summary>
    private protected ICacheLog Log => _log ??= new PipelineLog(this);

    /// <summary>True when a parameter (or $PSDefaultParameterValues) chose the cache, rather than the environment.</summary>
    private protected bool CacheNamed => Path is not null || ConnectionString is not null;

    protected override void BeginProcessing() => _cache = ResolveCache();

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>PowerShell disposes a cmdlet even when its pipeline stops early (an upstream error, Ctrl+C).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A cmdlet that holds pipeline input writes it here when EndProcessing never ran.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>Runs an engine call, turning its known failures into a non-terminating error; false when it failed.</summary>
    private protected bool TryCache(Action operation, object? target)
    {
        try
        {
            operation();
            return true;
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (CacheErrorRecords.TryCreate(ex, target, out ErrorRecord record))
        {
            WriteError(record);
            return false;
        }
    }

    private ICacheBackend ResolveCache()
    {
        if (Path is null)
        {
            string? connectionString = ConnectionString ?? NonEmpty(Environment.GetEnvironmentVariable(RedisVariable));
            if (connectionString is not null)
            {
                return OpenRedisCache(connectionString, Namespace, Credential);
            }
        }

        if (Namespace is not null || Credential is not null)
        {
            WriteVerbose("-Namespace and -Credential apply to a Redis cache; this call uses a cache directory.");
        }

        return ResolveFileCache(Path);
    }

    /// <summary>A namespace's cache on a Redis server; a bad connection string or namespace ends the cmdlet.</summary>
    private protected ICacheBackend OpenRedisCache(string connectionString, string? @namespace, PSCredential? credential)
    {
        string name = @namespace ?? DefaultNamespace;
        System.Net.NetworkCredential? secret = credential?.GetNetworkCredential();
        string? user = secret is null || secret.UserName == DefaultUser ? null : secret.UserName;
        try
        {
            return RedisBackendLoader.Open(connectionString, name, user, secret?.Password);
        }
        catch (ArgumentException ex)
        {
            // The connection string is not the target: it may hold a password.
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidConnectionString, ErrorCategory.InvalidArgument, name));
            throw;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The engine of a cache directory (the default one for null); a path that cannot be a cache ends the cmdlet.</summary>
    private protected ResponseCacheEngine ResolveFileCache(string? path)
    {
        string directory = ResolveDirectory(path);
        ResponseCacheEngine? engine = CacheEngineRegistry.Find(directory);
        if (engine is null)
        {
            // Checked once per directory and process, not on every call: a hit costs less than this stat.
            ThrowIfFile(directory);
            engine = CacheEngineRegistry.GetOrCreate(directory);
        }

        return engine;
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
            ThrowTerminatingError(record);
            throw;
        }

        string directory;
        try
        {
            // The engine registry normalises the path, so a native one needs nothing more here.
            directory = NativeCachePath.IsFullyQualified(requested, SessionState) ? requested : ResolveThroughProvider(requested);
        }
        catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.CachePathInvalid, ErrorCategory.InvalidArgument, requested));
            throw;
        }

        return directory;
    }

    private void ThrowIfFile(string directory)
    {
        if (File.Exists(directory))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"The cache path '{directory}' is a file; -Path names the directory that holds ai_responses.json."),
                ErrorIds.CachePathIsFile,
                ErrorCategory.InvalidArgument,
                directory));
        }
    }

    private string ResolveThroughProvider(string requested)
    {
        string directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(requested, out ProviderInfo provider, out _);
        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The cache path '{requested}' is on the {provider.Name} provider; the cache must be on the file system."),
                ErrorIds.CachePathNotFileSystem,
                ErrorCategory.InvalidArgument,
                requested));
        }

        return directory;
    }

    private sealed class PipelineLog : ICacheLog
    {
        private readonly Cmdlet _cmdlet;

        public PipelineLog(Cmdlet cmdlet) => _cmdlet = cmdlet;

        public void Verbose(string message) => _cmdlet.WriteVerbose(message);

        public void Warning(string message) => _cmdlet.WriteWarning(message);
    }
}
