using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using ResponseCache.Completion;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>
/// Stores responses. A pipeline of many is written in batches (one lock and one write each), and what was received is
/// written even when the pipeline stops early: every response was paid for. Values piped with the key on the command
/// line are one response, collected as ConvertTo-Json collects its input. Medium impact, and only a change of the
/// cache's caps that evicts entries asks: a plain store never prompts.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CachedResponse", DefaultParameterSetName = KeySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
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
    private List<object?>? _collected;
    private CachePolicy? _policy;
    private bool _keyFromCommandLine;
    private bool _responseFromCommandLine;
    private bool _ended;

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
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
        if (_keyFromCommandLine && !_responseFromCommandLine && MyInvocation.ExpectingInput && !KeyGivenPerItem())
        {
            _collected = new List<object?>();
        }

        base.BeginProcessing();
    }

    // A delay-bind scriptblock (-Key { "s|$_" }) is evaluated for each piped item, so each item is its own response
    // under its own key, as Rename-Item -NewName { } names each item. Until the first item it is bound as a placeholder,
    // not as key text.
    private bool KeyGivenPerItem() =>
        new[] { nameof(Key), nameof(Model), nameof(Prompt), nameof(InputText) }.Any(name =>
            MyInvocation.BoundParameters.TryGetValue(name, out object? bound) && bound is not null and not string);

    protected override void ProcessRecord()
    {
        if (_collected is not null)
        {
            _collected.Add(Response);
            return;
        }

        if (!TryResolveKey(ParameterSetName == ComposedSet, Key, out string key))
        {
            return;
        }

        if (!TryGetResponse(out object? response))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"The piped object gives the key {KeyText.Describe(key)} but no response: it has no Response property, or its Response is $null. Pipe records with Key (or Model and Prompt) and Response, or give the key on the command line to store the piped object whole."),
                ErrorIds.PipedResponseMissing,
                ErrorCategory.InvalidArgument,
                key));
            return;
        }

        Stage(key, response);
    }

    protected override void EndProcessing()
    {
        // A pipeline stopped early never gets here, so part of a collected response is never stored as the whole.
        if (_collected is { Count: > 0 } && TryResolveKey(ParameterSetName == ComposedSet, Key, out string key))
        {
            Stage(key, CollectedResponse(_collected));
        }

        // Set only once the write is done: a Ctrl+C during its wait for the lock leaves the responses to Dispose.
        Flush(Log);
        _ended = true;
    }

    /// <summary>Writes what a pipeline that stopped early (an upstream error, Ctrl+C) had already received.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_ended && _pending.Count > 0 && !WhatIfMode.IsOn(this))
        {
            // Ctrl+C asked every wait to end: the responses received get a short grace for the lock, not its whole timeout.
            using CancellationTokenSource? grace = Cancellation.IsCancellationRequested ? new CancellationTokenSource(s_stopGrace) : null;
            try
            {
                // No stream is open any more to report on, nor a user to ask: this call's caps apply only if the user
                // already agreed to them or they evict nothing.
                CachePolicy policy = _policy ?? (PreviewCaps(NullCacheLog.Instance, grace?.Token ?? default) is { Evicted: > 0 } ? CachePolicy.Default : StoragePolicy(null));
                Cache.SetMany(_pending, policy, NullCacheLog.Instance, grace?.Token ?? default);
            }
            catch (Exception ex) when (CacheErrorRecords.IsExpected(ex) || ex is InvalidOperationException || ex is OperationCanceledException)
            {
            }

            _pending.Clear();
        }

        base.Dispose(disposing);
    }

    // As ConvertTo-Json collects its input: one value stays itself, several are one array. JSON text piped line by
    // line (Get-Content) is one text, as ConvertFrom-Json joins it.
    private object? CollectedResponse(List<object?> collected)
    {
        if (collected.Count == 1)
        {
            return collected[0];
        }

        if (AsJson && collected.Select(Unwrapped).All(item => item is string))
        {
            return string.Join("\n", collected.Select(Unwrapped));
        }

        return collected.ToArray();
    }

    private void Stage(string key, object? response)
    {
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

    private void Flush(ICacheLog log)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        try
        {
            FlushPending(log);
        }
        catch when (!Cancellation.IsCancellationRequested)
        {
            // A failure written as a terminating error (-ErrorAction Stop, which stops the pipeline as Ctrl+C does)
            // was this batch's one attempt: Dispose must not send it again (against a hung server, a second whole
            // timeout). Only a Ctrl+C during the write leaves the responses to Dispose, which gives them a short grace.
            _pending.Clear();
            throw;
        }
    }

    private void FlushPending(ICacheLog log)
    {
        if (WhatIfMode.IsOn(this))
        {
            DecidePolicy();
            foreach (KeyValuePair<string, byte[]> item in _pending)
            {
                ShouldProcess($"key {KeyText.Describe(item.Key)} in {Cache.Location}", "Store the response");
            }
        }
        else if (DecidePolicy() is CachePolicy policy)
        {
            TryCache(() => Cache.SetMany(_pending, policy, log, Cancellation), _pending.Count == 1 ? _pending[0].Key : null);
        }

        _pending.Clear();
    }

    // This call's caps, unless making them the cache's would evict entries and the user (asked with -Confirm, or
    // shown with -WhatIf) did not agree: then the cache's own. Null when the cache could not be asked.
    private CachePolicy? DecidePolicy()
    {
        if (_policy is null)
        {
            CacheConfigurationChange? preview = null;
            if (!TryCache(() => preview = PreviewCaps(Log, Cancellation), Cache.Location))
            {
                return null;
            }

            _policy = preview is { Evicted: > 0 } && !ShouldProcess(Cache.Location, preview.ToString()) ? CachePolicy.Default : StoragePolicy(null);
        }

        return _policy;
    }

    // What making this call's caps the cache's would change; null when the call gives none.
    private CacheConfigurationChange? PreviewCaps(ICacheLog log, CancellationToken cancellation) =>
        MaxEntries is null && MaxSizeMB is null ? null : Cache.Configure(MaxEntries, SizeCap.ToBytes(MaxSizeMB), null, true, log, cancellation);

    // The piped object itself, unless it is a record that gave the key: then its Response property.
    private bool TryGetResponse(out object? response)
    {
        response = Response;
        if (_keyFromCommandLine || _responseFromCommandLine || !MyInvocation.ExpectingInput)
        {
            return true;
        }

        // A record whose Response is $null (a misspelled column in a calculated property) has no response, as
        // -Response $null has none: stored, it would be a hit that answers nothing.
        PSPropertyInfo? property = PSObject.AsPSObject(Response).Properties[nameof(Response)];
        response = property?.Value;
        return response is not null;
    }

    private static object? Unwrapped(object? item) => item is PSObject wrapped ? wrapped.BaseObject : item;

    private static byte[] ReadJsonText(object? response)
    {
        object? value = Unwrapped(response);
        if (value is not string text)
        {
            throw new ArgumentException($"With -AsJson the response must be JSON text, not [{value?.GetType().FullName ?? "null"}].");
        }

        return ResponseJson.ToCompact(Encoding.UTF8.GetBytes(text.Trim()), nameof(Response));
    }
}
