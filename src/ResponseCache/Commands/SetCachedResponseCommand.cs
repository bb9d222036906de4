using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using System.Threading;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>
/// Stores responses. A pipeline of many is written in batches (one lock and one write each), and what was received is
/// written even when the pipeline stops early: every response was paid for.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CachedResponse", DefaultParameterSetName = KeySet, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(void))]
public sealed class SetCachedResponseCommand : StoringCacheCommand
{
    // A few thousand items keep the pipeline's speed (one write per batch, BENCHMARKS.md's pipeline row) while a
    // process killed outright loses at most one batch; the time bound does the same for a slow producer.
    internal const int BatchSize = 2000;
    private static readonly TimeSpan s_batchTime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(2);

    private readonly List<KeyValuePair<string, byte[]>> _pending = new List<KeyValuePair<string, byte[]>>();
    private readonly Stopwatch _sinceFirstPending = new Stopwatch();
    private bool _keyFromCommandLine;
    private bool _responseFromCommandLine;
    private bool _ended;

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// The response: text, or any value that has a JSON form. Piped in with the key on the command line, the piped
    /// object is the response, whole; piped records without a key on the command line give Key and Response.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public object? Response { get; set; }

    /// <summary>The response is JSON text, stored as that JSON value rather than as a string.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    protected override void BeginProcessing()
    {
        _keyFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Key))
            || (MyInvocation.BoundParameters.ContainsKey(nameof(Model)) && MyInvocation.BoundParameters.ContainsKey(nameof(Prompt)));
        _responseFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Response));
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        if (!TryResolveKey(ParameterSetName == ComposedSet, Key, out string key))
        {
            return;
        }

        if (!TryGetResponse(out object? response))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"The piped object gives the key {KeyText.Describe(key)} but has no Response property. Pipe records with Key (or Model and Prompt) and Response, or give the key on the command line to store the piped object whole."),
                ErrorIds.PipedResponseMissing,
                ErrorCategory.InvalidArgument,
                key));
            return;
        }

        try
        {
            _pending.Add(new KeyValuePair<string, byte[]>(key, AsJson ? ReadJsonText(response) : ResponseSerializer.Serialize(response, Depth)));
        }
        catch (ResponseSerializationException ex) when (CacheErrorRecords.TryCreate(ex, key, out ErrorRecord record))
        {
            WriteError(record);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.InvalidResponseJson, ErrorCategory.InvalidArgument, key));
        }

        if (_pending.Count == 1)
        {
            _sinceFirstPending.Restart();
        }

        if (_pending.Count >= BatchSize || _sinceFirstPending.Elapsed >= s_batchTime)
        {
            Flush(Log);
        }
    }

    protected override void EndProcessing()
    {
        // Set only once the write is done: a Ctrl+C during its wait for the lock leaves the responses to Dispose.
        Flush(Log);
        _ended = true;
    }

    /// <summary>Writes what a pipeline that stopped early (an upstream error, Ctrl+C) had already received.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_ended && _pending.Count > 0)
        {
            // Ctrl+C asked every wait to end: the responses received get a short grace for the lock, not its whole timeout.
            using CancellationTokenSource? grace = Cancellation.IsCancellationRequested ? new CancellationTokenSource(s_stopGrace) : null;
            try
            {
                // No stream is open any more to report on: the write is all that can still be done.
                Cache.SetMany(_pending, StoragePolicy(null), NullCacheLog.Instance, grace?.Token ?? default);
            }
            catch (Exception ex) when (CacheErrorRecords.IsExpected(ex) || ex is InvalidOperationException || ex is OperationCanceledException)
            {
            }

            _pending.Clear();
        }

        base.Dispose(disposing);
    }

    private void Flush(ICacheLog log)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var policy = StoragePolicy(null);
        TryCache(() => Cache.SetMany(_pending, policy, log, Cancellation), _pending.Count == 1 ? _pending[0].Key : null);
        _pending.Clear();
    }

    // The piped object itself, unless it is a record that gave the key: then its Response property.
    private bool TryGetResponse(out object? response)
    {
        response = Response;
        if (_keyFromCommandLine || _responseFromCommandLine || !MyInvocation.ExpectingInput)
        {
            return true;
        }

        PSPropertyInfo? property = PSObject.AsPSObject(Response).Properties[nameof(Response)];
        if (property is null)
        {
            return false;
        }

        response = property.Value;
        return true;
    }

    private static byte[] ReadJsonText(object? response)
    {
        object? value = response is PSObject wrapped ? wrapped.BaseObject : response;
        if (value is not string text)
        {
            throw new ArgumentException($"With -AsJson the response must be JSON text, not [{value?.GetType().FullName ?? "null"}].");
        }

        return ResponseJson.ToCompact(Encoding.UTF8.GetBytes(text.Trim()), nameof(Response));
    }
}
