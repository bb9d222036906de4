using System;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>Removes every entry, or with -Expired only the expired ones. Medium impact: a scheduled job is not prompted.</summary>
[Cmdlet(VerbsCommon.Clear, "ResponseCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(int))]
public sealed class ClearResponseCacheCommand : ResponseCacheCommand
{
    /// <summary>Removes only entries older than -TtlDays.</summary>
    [Parameter]
    public SwitchParameter Expired { get; set; }

    /// <summary>With -Expired: the age beyond which entries go; the cache's TtlDays when not given.</summary>
    [Parameter]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    /// <summary>Outputs the number of entries removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        string action = Expired ? $"Remove cached responses older than {DescribeTtl()}" : "Remove all cached responses";
        if (WhatIfMode.IsOnOrConfirming(this))
        {
            action += $" ({CountToRemove()})";
        }

        if (!ShouldProcess(Cache.Location, action))
        {
            return;
        }

        int removed = 0;
        bool done = Expired
            ? TryCache(() => removed = Cache.RemoveExpired(CachePolicy.ForTtl(TtlDays), Log, Cancellation), Cache.Location)
            : TryCache(() => removed = Cache.Clear(Log, Cancellation), Cache.Location);
        if (!done)
        {
            return;
        }

        WriteVerbose($"Removed {removed} {(Expired ? "expired " : string.Empty)}cached responses from '{Cache.Location}'.");
        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    private string CountToRemove()
    {
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
