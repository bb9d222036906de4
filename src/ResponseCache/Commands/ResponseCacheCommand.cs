using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using Microsoft.PowerShell.Commands;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>What every ResponseCache cmdlet shares: the -Path parameter, finding the engine, reporting, and Ctrl+C.</summary>
public abstract class ResponseCacheCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private ResponseCacheEngine? _engine;
    private ICacheLog? _log;

    /// <summary>The cache directory. Relative paths resolve against the current PowerShell location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Cancelled by Ctrl+C (StopProcessing): every wait the engine does for this cmdlet takes it.</summary>
    private protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>The engine of -Path (or the default cache); resolved in BeginProcessing, or on first use by a cmdlet that skips that.</summary>
    private protected ResponseCacheEngine Engine => _engine ??= ResolveEngine();

    /// <summary>The engine's messages, routed to this cmdlet's verbose and warning streams.</summary>
    private protected ICacheLog Log => _log ??= new PipelineLog(this);

    protected override void BeginProcessing() => _engine = ResolveEngine();

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

    /// <summary>Reports a failure of one item and carries on with the next (non-terminating).</summary>
    private protected void WriteCacheError(Exception exception, object? target)
    {
        if (!CacheErrorRecords.IsExpected(exception))
        {
            throw exception;
        }

        WriteError(CacheErrorRecords.From(exception, target));
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
        catch (Exception ex) when (CacheErrorRecords.IsExpected(ex))
        {
            WriteError(CacheErrorRecords.From(ex, target));
            return false;
        }
    }

    private ResponseCacheEngine ResolveEngine()
    {
        string directory = ResolveDirectory();
        ResponseCacheEngine? engine = CacheEngineRegistry.Find(directory);
        if (engine is null)
        {
            // Checked once per directory and process, not on every call: a hit costs less than this stat.
            ThrowIfFile(directory);
            engine = CacheEngineRegistry.GetOrCreate(directory);
        }

        return engine;
    }

    private string ResolveDirectory()
    {
        string requested;
        try
        {
            requested = Path ?? CacheLocation.ResolveDefault();
        }
        catch (CacheHomeNotFoundException ex)
        {
            ThrowTerminatingError(CacheErrorRecords.From(ex, null));
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
