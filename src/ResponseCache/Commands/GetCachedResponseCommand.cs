using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ResponseCache.Completion;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>Returns a cached response, or nothing on a miss; with -ScriptBlock, produces and caches it on a miss.</summary>
[Cmdlet(VerbsCommon.Get, "CachedResponse", DefaultParameterSetName = KeySet, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(PSObject), typeof(string))]
public sealed class GetCachedResponseCommand : StoringCacheCommand
{
    private const string KeyWithScriptBlockSet = "KeyWithScriptBlock";
    private const string ComposedWithScriptBlockSet = "ComposedWithScriptBlock";
    private const string RequestWithScriptBlockSet = "RequestWithScriptBlock";

    // Runs the caller's scriptblock in a child scope of its own, with the errors that leave it merged into its output:
    // those, and only those, reached the caller (an error it caught or silenced itself never leaves it).
    private const string RunnerScript = "& $__responseCacheScriptBlock 2>&1";

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeyWithScriptBlockSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string Key { get; set; } = string.Empty;

    /// <inheritdoc/>
    [Parameter(Mandatory = true, ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = ComposedWithScriptBlockSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public override string? Model { get => base.Model; set => base.Model = value; }

    /// <inheritdoc/>
    [Parameter(Mandatory = true, ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = ComposedWithScriptBlockSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ValidateNotNull]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public override string? Prompt { get => base.Prompt; set => base.Prompt = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public override string? InputText { get => base.InputText; set => base.InputText = value; }

    /// <inheritdoc/>
    [Parameter(Mandatory = true, ParameterSetName = RequestSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateNotNull]
    public override object? Request { get => base.Request; set => base.Request = value; }

    /// <summary>Get-or-add: runs on a miss; its output is cached and returned.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(Mandatory = true, ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(Mandatory = true, ParameterSetName = RequestWithScriptBlockSet)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>The pipeline item the key came from; inside -ScriptBlock it is $_ and $PSItem, as in ForEach-Object.</summary>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Runs -ScriptBlock even on a hit, refreshing the entry.</summary>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateRange(1, int.MaxValue)]
    public override int? MaxEntries { get => base.MaxEntries; set => base.MaxEntries = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateRange(SizeCap.MinimumMB, SizeCap.MaximumMB)]
    public override double? MaxSizeMB { get => base.MaxSizeMB; set => base.MaxSizeMB = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateRange(1, ResponseSerializer.MaxDepthLimit)]
    public override int Depth { get => base.Depth; set => base.Depth = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateNotNull]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public override string[]? Tag { get => base.Tag; set => base.Tag = value; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = KeyWithScriptBlockSet)]
    [Parameter(ParameterSetName = ComposedWithScriptBlockSet)]
    [Parameter(ParameterSetName = RequestWithScriptBlockSet)]
    [ValidateLifetime]
    public override TimeSpan? ExpiresAfter { get => base.ExpiresAfter; set => base.ExpiresAfter = value; }

    /// <summary>The freshness this caller accepts: an older entry is a miss (the cache's TtlDays when not given).</summary>
    [Parameter]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    /// <summary>Returns the response's JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Returns a cached array as one object instead of its items.</summary>
    [Parameter]
    public SwitchParameter NoEnumerate { get; set; }

    protected override void ProcessRecord()
    {
        if (!TryResolveKey(ParameterSetName == ComposedSet || ParameterSetName == ComposedWithScriptBlockSet, Key, out string key))
        {
            return;
        }

        var policy = StoragePolicy(TtlDays);
        byte[]? json = null;
        if (ScriptBlock is null)
        {
            TryCache(() => json = Cache.Get(key, policy, Log, ReportStatus), key);
        }
        else
        {
            json = GetOrProduce(key, policy);
        }

        if (json is null)
        {
            return;
        }

        if (AsJson)
        {
            WriteObject(Encoding.UTF8.GetString(json));
        }
        else
        {
            WriteObject(ResponseDeserializer.Deserialize(json), enumerateCollection: !NoEnumerate);
        }
    }

    private byte[]? GetOrProduce(string key, CachePolicy policy)
    {
        Collection<PSObject>? produced = null;
        ResponseSerializationException? notStorable = null;
        List<ErrorRecord> errors = new();
        try
        {
            byte[]? json = Cache.GetOrAdd(key, policy, Force, () =>
            {
                produced = RunScriptBlock(errors, out bool cacheable);
                if (!cacheable)
                {
                    return null;
                }

                try
                {
                    return ResponseSerializer.Serialize(AsResponse(produced), Depth);
                }
                catch (ResponseSerializationException ex)
                {
                    // Paid for, and only its form keeps it out of the cache: the answer is the caller's, as when the
                    // cache cannot be written, and an error would take it from a caller with -ErrorAction Stop.
                    notStorable = ex;
                    return null;
                }
            }, Log, Cancellation, EntryOptions, ReportStatus);

            if (notStorable is not null)
            {
                WriteWarning($"The response for key {KeyHash.Compute(key).ToShortString()} was produced but not cached: {notStorable.Message}");
            }

            // The run's errors are this cmdlet's, so its -ErrorAction and -ErrorVariable govern them (after the run, which
            // must end before its output can be judged). Output that was not cached is still this caller's answer.
            foreach (ErrorRecord error in errors)
            {
                ForgetError(error.Exception);
                WriteError(error);
            }

            if (json is null && produced is not null)
            {
                WriteObject(produced, enumerateCollection: true);
            }

            return json;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ReentrantGetOrAddException ex)
        {
            ThrowTerminatingError(CacheErrorRecords.ReentrantGetOrAdd(ex, key));
            throw;
        }
        catch (ProducerWaitTimeoutException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.ProducerWaitTimedOut, ErrorCategory.OperationTimeout, key));
            return null;
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            ReportScriptBlockFailure(ex, key);
            return null;
        }
        catch (Exception ex) when (CacheErrorRecords.TryCreate(ex, key, out ErrorRecord record))
        {
            // The answer was paid for: hand it over even though it could not be cached.
            WriteError(record);
            if (produced is not null)
            {
                WriteObject(produced, enumerateCollection: true);
            }

            return null;
        }
    }

    /// <summary>
    /// The scriptblock's output, and in <paramref name="errors"/> the errors that left it; cacheable when it is a
    /// response: some output that is not all $null, and no error left the run.
    /// </summary>
    private Collection<PSObject> RunScriptBlock(List<ErrorRecord> errors, out bool cacheable)
    {
        var variables = new List<PSVariable> { new PSVariable("__responseCacheScriptBlock", ScriptBlock) };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
        {
            // InvokeWithContext makes a variable named _ the scriptblock's $_ (and $PSItem), as ForEach-Object does.
            variables.Add(new PSVariable("_", InputObject));
        }

        Collection<PSObject> merged;
        try
        {
            merged = ScriptBlock.Create(RunnerScript).InvokeWithContext(null, variables);
        }
        catch (PipelineStoppedException ex)
        {
            // Ctrl+C answered nothing: a caller waiting for this run produces instead of sharing the stop.
            throw new OperationCanceledException(ex.Message, ex);
        }

        // PowerShell 7 marks an error merged by 2>&1 only internally, so every ErrorRecord in the merged output counts
        // as an error the run wrote: no API answer is an ErrorRecord, and one output by a catch block is its error after all.
        var output = new Collection<PSObject>();
        foreach (PSObject item in merged)
        {
            if (item?.BaseObject is ErrorRecord error)
            {
                errors.Add(error);
            }
            else
            {
                output.Add(item!);
            }
        }

        cacheable = false;
        if (errors.Count > 0)
        {
            WriteVerbose($"The scriptblock wrote {errors.Count} error(s) that it did not handle; its output is returned but not cached.");
        }
        else if (output.All(item => item?.BaseObject is null))
        {
            WriteVerbose("The scriptblock returned no output or only $null; nothing was cached.");
        }
        else
        {
            cacheable = true;
        }

        return output;
    }

    /// <summary>
    /// A throw in the scriptblock is terminating for the caller, as in ForEach-Object: the id ScriptBlockFailed, and
    /// everything else of the scriptblock's own record (exception, category, target, ErrorDetails such as an API's
    /// error body). An explicit -ErrorAction SilentlyContinue or Ignore makes it non-terminating. The scriptblock's
    /// own record leaves $Error, where PowerShell put it as it left the scriptblock: $Error[0] is then the record the
    /// caller sees (PowerShell adds no second record for the same exception), and with Ignore there is none.
    /// </summary>
    private void ReportScriptBlockFailure(RuntimeException failure, string key)
    {
        ErrorRecord original = failure.ErrorRecord;
        Exception exception = original.Exception is ParentContainsErrorRecordException ? failure : original.Exception;
        if (exception is ReentrantGetOrAddException reentrant)
        {
            ThrowTerminatingError(CacheErrorRecords.ReentrantGetOrAdd(reentrant, key));
        }

        var record = new ErrorRecord(exception, ErrorIds.ScriptBlockFailed, original.CategoryInfo.Category, original.TargetObject)
        {
            ErrorDetails = original.ErrorDetails,
        };
        ForgetError(exception);
        MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? action);
        if (Equals(action, ActionPreference.SilentlyContinue) || Equals(action, ActionPreference.Ignore))
        {
            WriteError(record);
            return;
        }

        ThrowTerminatingError(record);
    }

    private static object AsResponse(Collection<PSObject> output) =>
        output.Count == 1 ? output[0] : output.ToArray();
}
