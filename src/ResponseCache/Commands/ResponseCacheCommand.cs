using System;
using System.Management.Automation;
using System.Threading;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// What every ResponseCache cmdlet shares: the parameters that choose the cache (-Path, or -ConnectionString with
/// -Namespace and -Credential; <see cref="CacheSelector"/> chooses), reporting, and Ctrl+C. -Path and
/// -ConnectionString are not separate parameter sets, so a $PSDefaultParameterValues entry for one never makes a call
/// that names the other ambiguous.
/// </summary>
public abstract class ResponseCacheCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private ICacheBackend? _cache;
    private ICacheLog? _log;
    private CacheSelector? _selector;

    /// <summary>The cache directory. Relative paths resolve against the current PowerShell location. Wins over -ConnectionString.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DirectoryCompleter))]
    public string? Path { get; set; }

    /// <summary>A Redis server to keep the cache on: a StackExchange.Redis configuration string, or a redis:// or rediss:// URI.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string? ConnectionString { get; set; }

    /// <summary>The cache's name on the Redis server ("default" when not given); caches in other namespaces are never touched.</summary>
    [Parameter]
    [ValidatePattern(RedisNamespaceRule.Pattern)]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string? Namespace { get; set; }

    /// <summary>The Redis user and password, so neither is written on the command line; a user of "default" means a password only.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Cancelled by Ctrl+C (StopProcessing): every wait the engine does for this cmdlet takes it.</summary>
    private protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>The cache this call is about; resolved in BeginProcessing, or on first use by a cmdlet that skips that.</summary>
    private protected ICacheBackend Cache => _cache ??= ResolveCache();

    /// <summary>Opens caches for this cmdlet, reporting a name that cannot be one as this cmdlet's terminating error.</summary>
    private protected CacheSelector Selector => _selector ??= new CacheSelector(this);

    /// <summary>The engine's messages, routed to this cmdlet's verbose and warning streams.</summary>
    private protected ICacheLog Log => _log ??= new PipelineLog(this);

    /// <summary>True when a parameter (or $PSDefaultParameterValues) chose the cache, rather than the environment.</summary>
    private protected bool CacheNamed => Path is not null || ConnectionString is not null;

    protected override void BeginProcessing() => _cache = ResolveCache();

    /// <summary>
    /// True when <paramref name="text"/>, bound to <paramref name="parameterName"/>, can be (part of) a key: text, not an
    /// object the binder stringified (KeyNotText), and valid Unicode (InvalidUnicodeText). Otherwise the error is written.
    /// </summary>
    private protected bool IsKeyText(string? text, string parameterName)
    {
        if (NotKeyText.TryFind(text, out NotKeyText refused))
        {
            WriteError(CacheErrorRecords.KeyNotText(refused, parameterName));
            return false;
        }

        try
        {
            // Checked here as well as when the key is hashed, so the error names the part (-Prompt) rather than a
            // position in the composed key.
            if (text is not null)
            {
                UnicodeText.EnsureValid(text, $"-{parameterName}");
            }

            return true;
        }
        catch (InvalidTextException ex) when (CacheErrorRecords.TryCreate(ex, text, out ErrorRecord record))
        {
            WriteError(record);
            return false;
        }
    }

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

    private ICacheBackend ResolveCache() => Selector.Select(Path, ConnectionString, Namespace, Credential);
}
