using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The cache's entry counts, file size and configuration, and this process's hits, misses and evictions.</summary>
[Cmdlet(VerbsCommon.Get, "CacheStats", HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheStatistics))]
public sealed class GetCacheStatsCommand : ResponseCacheCommand
{
    /// <summary>Counts entries older than this as expired instead of the cache's TtlDays.</summary>
    [Parameter]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    protected override void EndProcessing()
    {
        CacheStatistics? statistics = null;
        if (TryCache(() => statistics = Cache.GetStatistics(CachePolicy.ForTtl(TtlDays), Log), Cache.Location))
        {
            WriteObject(statistics);
        }
    }
}
