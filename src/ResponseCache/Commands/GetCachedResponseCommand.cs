using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>Returns a cached response, or nothing on a miss; with -ScriptBlock, produces and caches it on a miss.</summary>
[Cmdlet(VerbsCommon.Get, "CachedResponse", DefaultParameterSetName = KeySet, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(PSObject), typeof(string))]
public sealed class GetCachedResponseCommand : StoringCacheCommand, IDisposable
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>Entries older than this are removed and treated as a miss.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double TtlDays { get; set; } = CachePolicy.DefaultTtlDays;

    /// <summary>Returns the response's JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Returns a cached array as one object instead of its items.</summary>
    [Parameter]
    public SwitchParameter NoEnumerate { get; set; }

    /// <summary>Get-or-add: runs on a miss; its output is cached and returned. Errors inside it are terminating.</summary>
    [Parameter]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>With -ScriptBlock: runs it even on a hit, refreshing the entry.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private string ResolvedKey => ParameterSetName == ComposedSet ? ComposedKey : Key;

    protected override void BeginProcessing()
    {
        if (Force && ScriptBlock is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Force refreshes an entry by running -ScriptBlock; give a -ScriptBlock, or use Set-CachedResponse."),
                ErrorIds.ForceWithoutScriptBlock,
                ErrorCategory.InvalidArgument,
                null));
        }

        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        string key = ResolvedKey;
        var policy = StoragePolicy(TtlDays);
        byte[]? json = null;
        if (ScriptBlock is null)
        {
            TryCache(() => json = Engine.Get(key, policy, Log), key);
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

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();

    private byte[]? GetOrProduce(string key, CachePolicy policy)
    {
        Collection<PSObject>? produced = null;
        try
        {
            return Engine.GetOrAdd(key, policy, Force, () =>
            {
                produced = RunScriptBlock();
                return produced.Count == 0 ? null : ResponseSerializer.Serialize(AsResponse(produced), Depth);
            }, Log, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            ErrorRecord failure = ex.ErrorRecord;
            WriteError(new ErrorRecord(failure.Exception, ErrorIds.ScriptBlockFailed, failure.CategoryInfo.Category, key));
            return null;
        }
        catch (Exception ex) when (CacheErrorRecords.IsExpected(ex))
        {
            // The answer was paid for: hand it over even though it could not be cached.
            WriteError(CacheErrorRecords.From(ex, key));
            if (produced is not null)
            {
                WriteObject(produced, enumerateCollection: true);
            }

            return null;
        }
    }

    // Errors inside the scriptblock stop it: a failed API call must never be cached as an answer.
    private Collection<PSObject> RunScriptBlock() =>
        ScriptBlock!.InvokeWithContext(null, new List<PSVariable> { new PSVariable("ErrorActionPreference", ActionPreference.Stop) });

    private static object AsResponse(Collection<PSObject> output) =>
        output.Count == 1 ? output[0] : output.ToArray();
}
