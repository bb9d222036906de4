using System;
using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>The keyed cmdlets that store responses: caps they may set for the cache, and how deep a response may nest.</summary>
public abstract class StoringCacheCommand : KeyedCacheCommand
{
    /// <summary>Makes this the cache's entry cap (as Set-ResponseCacheConfiguration does); without it, the cache's cap holds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public virtual int? MaxEntries { get; set; }

    /// <summary>Makes this the cache's size cap in MiB (0: none); without it, the cache's cap holds.</summary>
    [Parameter]
    [ValidateRange(SizeCap.MinimumMB, SizeCap.MaximumMB)]
    public virtual double? MaxSizeMB { get; set; }

    /// <summary>How deep a stored response may nest; deeper is an error, never a silent cut.</summary>
    [Parameter]
    [ValidateRange(1, ResponseSerializer.MaxDepthLimit)]
    public virtual int Depth { get; set; } = ResponseSerializer.DefaultMaxDepth;

    /// <summary>Tags for the entries stored, to list and remove them by (Get-CacheEntry, Remove-CachedResponse, Clear-ResponseCache -Tag).</summary>
    [Parameter]
    [ValidateNotNull]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public virtual string[]? Tag { get; set; }

    /// <summary>A lifetime of the entries' own: they expire then, or at the cache's TTL if that comes first.</summary>
    [Parameter]
    [ValidateLifetime]
    public virtual TimeSpan? ExpiresAfter { get; set; }

    /// <summary>The tags and lifetime this call gives its entries (checked at binding).</summary>
    private protected EntryOptions EntryOptions => Tag is null && ExpiresAfter is null ? EntryOptions.None : new EntryOptions(Tag, ExpiresAfter);

    /// <summary>The name of a variable that gets what the call did (<see cref="CacheLookupOutcome"/>), as -StatusCodeVariable gets a status code.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheStatusVariable { get; set; }

    /// <summary>Sets -CacheStatusVariable, if given, to the outcome of this call's last lookup or store.</summary>
    private protected void ReportStatus(CacheLookupOutcome outcome) => SetCallerVariable(CacheStatusVariable, outcome);

    private protected CachePolicy StoragePolicy(double? ttlDays) => new CachePolicy(MaxEntries, ttlDays, SizeCap.ToBytes(MaxSizeMB));
}
