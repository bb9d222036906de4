using System.Collections.Generic;
using System.Management.Automation;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>Stores responses; a pipeline of many is written to disk once, when it ends.</summary>
[Cmdlet(VerbsCommon.Set, "CachedResponse")]
[OutputType(typeof(void))]
public sealed class SetCachedResponseCommand : ResponseCacheCommand
{
    private readonly List<KeyValuePair<string, byte[]>> _pending = new List<KeyValuePair<string, byte[]>>();

    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>The response: text, or any value that has a JSON form.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public object Response { get; set; } = string.Empty;

    /// <summary>Least recently used entries beyond this many are evicted.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxEntries { get; set; } = CachePolicy.DefaultMaxEntries;

    /// <summary>How deep the response may nest; deeper is an error, never a silent cut.</summary>
    [Parameter]
    [ValidateRange(1, ResponseSerializer.MaxDepthLimit)]
    public int Depth { get; set; } = ResponseSerializer.DefaultMaxDepth;

    protected override void ProcessRecord()
    {
        try
        {
            _pending.Add(new KeyValuePair<string, byte[]>(Key, ResponseSerializer.Serialize(Response, Depth)));
        }
        catch (ResponseSerializationException ex)
        {
            WriteCacheError(ex, Key);
        }
    }

    protected override void EndProcessing()
    {
        TryCache(() => Engine.SetMany(_pending, new CachePolicy(MaxEntries, CachePolicy.DefaultTtlDays), Log), _pending.Count == 1 ? _pending[0].Key : null);
    }
}
