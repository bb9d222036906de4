using System.Management.Automation;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>The keyed cmdlets that store responses: the caps applied when they do, and how deep a response may nest.</summary>
public abstract class StoringCacheCommand : KeyedCacheCommand
{
    /// <summary>Least recently used entries beyond this many are evicted when a response is stored.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public virtual int MaxEntries { get; set; } = CachePolicy.DefaultMaxEntries;

    /// <summary>Least recently used entries are evicted until the cache's entries fit in this many MiB.</summary>
    [Parameter]
    [ValidateRange(SizeCap.MinimumMB, SizeCap.MaximumMB)]
    public virtual double? MaxSizeMB { get; set; }

    /// <summary>How deep a stored response may nest; deeper is an error, never a silent cut.</summary>
    [Parameter]
    [ValidateRange(1, ResponseSerializer.MaxDepthLimit)]
    public virtual int Depth { get; set; } = ResponseSerializer.DefaultMaxDepth;

    private protected CachePolicy StoragePolicy(double ttlDays) => new CachePolicy(MaxEntries, ttlDays, SizeCap.ToBytes(MaxSizeMB));
}
