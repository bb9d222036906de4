using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>Removes every entry, or with -Expired only the expired ones. Medium impact: a scheduled job is not prompted.</summary>
[Cmdlet(VerbsCommon.Clear, "ResponseCache", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(int))]
public sealed class ClearResponseCacheCommand : ResponseCacheCommand
{
    private const string AllSet = "All";
    private const string TagSet = "Tag";

    /// <summary>Removes only entries older than -TtlDays.</summary>
    [Parameter(ParameterSetName = AllSet)]
    public SwitchParameter Expired { get; set; }

    /// <summary>With -Expired: the age beyond which entries go; the cache's TtlDays when not given.</summary>
    [Parameter(ParameterSetName = AllSet)]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    /// <summary>Removes only the entries that have any of these tags (in any case).</summary>
    [Parameter(Mandatory = true, ParameterSetName = TagSet)]
    [ValidateNotNullOrEmpty]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string[] Tag { get; set; } = Array.Empty<string>();

    /// <summary>Outputs the number of entries removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        bool tagged = ParameterSetName == TagSet;
        string action = tagged ? $"Remove cached responses {TagSelection.Describe(Tag)}"
            : Expired ? $"Remove cached responses older than {DescribeTtl()}" : "Remove all cached responses";
        if (WhatIfMode.IsOnOrConfirming(this))
        {
            action += $" ({CountToRemove()})";
        }

        if (!ShouldProcess(Cache.Location, action))
        {
            return;
        }

        int removed = 0;
        bool done = tagged
            ? TryCache(() => removed = Cache.RemoveTagged(Tag, Log, Cancellation), Cache.Location)
            : Expired
            ? TryCache(() => removed = Cache.RemoveExpired(CachePolicy.ForTtl(TtlDays), Log, Cancellation), Cache.Location)
            : TryCache(() => removed = Cache.Clear(Log, Cancellation), Cache.Location);
        if (!done)
        {
            return;
        }

        WriteVerbose($"Removed {removed} {(tagged ? TagSelection.Describe(Tag) + " " : Expired ? "expired " : string.Empty)}cached responses from '{Cache.Location}'.");
        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    private string CountToRemove()
    {
        if (ParameterSetName == TagSet)
        {
            IReadOnlyList<CacheEntryInfo> entries = Array.Empty<CacheEntryInfo>();
            TryCache(() => entries = Cache.ListEntries(CachePolicy.Default, Log), Cache.Location);
            return TagSelection.CountText(entries.Count(entry => TagSelection.Matches(entry, Tag)));
        }

        CacheStatistics? statistics = null;
        TryCache(() => statistics = Cache.GetStatistics(CachePolicy.ForTtl(TtlDays), Log), Cache.Location);
        int count = statistics is null ? 0 : Expired ? statistics.ExpiredEntries : statistics.TotalEntries;
        return count == 1 ? "1 entry" : $"{count:N0} entries";
    }

    private string DescribeTtl()
    {
        if (TtlDays is double days)
        {
            return $"{days} days";
        }

        try
        {
            return $"{Cache.GetConfiguration(Log).TtlDays} days";
        }
        catch (Exception ex) when (CacheErrorRecords.IsExpected(ex))
        {
            // Only a description: an unreachable cache is reported by the removal itself.
            return "the cache's TtlDays";
        }
    }
}
