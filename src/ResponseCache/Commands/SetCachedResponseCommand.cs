using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>Stores responses; a pipeline of many is written to disk once, when it ends.</summary>
[Cmdlet(VerbsCommon.Set, "CachedResponse", DefaultParameterSetName = KeySet)]
[OutputType(typeof(void))]
public sealed class SetCachedResponseCommand : StoringCacheCommand
{
    private readonly List<KeyValuePair<string, byte[]>> _pending = new List<KeyValuePair<string, byte[]>>();

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>The response: text, or any value that has a JSON form.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public object Response { get; set; } = string.Empty;

    /// <summary>The response is JSON text, stored as that JSON value rather than as a string.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    protected override void ProcessRecord()
    {
        string key = ParameterSetName == ComposedSet ? ComposedKey : Key;
        try
        {
            _pending.Add(new KeyValuePair<string, byte[]>(key, AsJson ? ReadJsonText(Response) : ResponseSerializer.Serialize(Response, Depth)));
        }
        catch (ResponseSerializationException ex)
        {
            WriteCacheError(ex, key);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.InvalidResponseJson, ErrorCategory.InvalidArgument, key));
        }
    }

    protected override void EndProcessing()
    {
        var policy = StoragePolicy(null);
        TryCache(() => Engine.SetMany(_pending, policy, Log), _pending.Count == 1 ? _pending[0].Key : null);
    }

    private static byte[] ReadJsonText(object response)
    {
        object value = response is PSObject wrapped ? wrapped.BaseObject : response;
        if (value is not string text)
        {
            throw new ArgumentException($"With -AsJson the response must be JSON text, not [{value.GetType().FullName}].");
        }

        return ResponseJson.ToCompact(Encoding.UTF8.GetBytes(text.Trim()), nameof(Response));
    }
}
