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
    private const string ModelSet = "Model";

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

    /// <summary>Removes only the entries whose replies name any of these models (in any case).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ModelSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[] Model { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Also empties the cache's savings ledger: without it, what the removed entries' hits saved stays counted by
    /// Get-CacheStats and Get-CacheSavings (the money was saved; clearing the entries does not unsave it).
    /// </summary>
    [Parameter(ParameterSetName = AllSet)]
    public SwitchParameter ResetSavings { get; set; }

    /// <summary>Outputs the number of entries removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (Expired && ResetSavings)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-ResetSavings empties the savings ledger with a clear of every entry; -Expired removes only some, whose savings stay counted. Give one of them."),
                ErrorIds.ResetSavingsWithExpired,
                ErrorCategory.InvalidArgument,
                null));
        }

        bool tagged = ParameterSetName == TagSet;
        bool byModel = ParameterSetName == ModelSet;
        string action = tagged ? $"Remove cached responses {TagSelection.Describe(Tag)}"
            : byModel ? $"Remove cached responses {ModelSelection.Describe(Model)}"
            : Expired ? $"Remove expired cached responses (older than {DescribeTtl()} or past their -ExpiresAfter)"
            : ResetSavings ? "Remove all cached responses and the account of what they saved" : "Remove all cached responses";
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
            : byModel
            ? TryCache(() => removed = Cache.RemoveModels(Model, Log, Cancellation), Cache.Location)
            : Expired
            ? TryCache(() => removed = Cache.RemoveExpired(CachePolicy.ForTtl(TtlDays), Log, Cancellation), Cache.Location)
            : TryCache(() => removed = Cache.Clear(Log, Cancellation, ResetSavings), Cache.Location);
        if (!done)
        {
            return;
        }

        WriteVerbose($"Removed {removed} {(tagged ? TagSelection.Describe(Tag) + " " : Expired ? "expired " : string.Empty)}cached responses{(byModel ? " " + ModelSelection.Describe(Model) : string.Empty)} from '{Cache.Location}'.");
        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    private string CountToRemove()
    {
        if (ParameterSetName is TagSet or ModelSet)
        {
            IReadOnlyList<CacheEntryInfo> entries = Array.Empty<CacheEntryInfo>();
            TryCache(() => entries = Cache.ListEntries(CachePolicy.Default, Log), Cache.Location);
            return TagSelection.CountText(entries.Count(entry => ParameterSetName == TagSet ? TagSelection.Matches(entry, Tag) : ModelSelection.Matches(entry, Model)));
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
