using System;
using System.IO;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>What every ResponseCache cmdlet shares: the -Path parameter, finding the engine, and reporting.</summary>
public abstract class ResponseCacheCommand : PSCmdlet
{
    private ResponseCacheEngine? _engine;
    private ICacheLog? _log;

    /// <summary>The cache directory. Relative paths resolve against the current PowerShell location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The engine of -Path (or the default cache); resolved in BeginProcessing, or on first use by a cmdlet that skips that.</summary>
    private protected ResponseCacheEngine Engine => _engine ??= ResolveEngine();

    /// <summary>The engine's messages, routed to this cmdlet's verbose and warning streams.</summary>
    private protected ICacheLog Log => _log ??= new PipelineLog(this);

    protected override void BeginProcessing() => _engine = ResolveEngine();

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
