using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The cache's entry counts and file size, and this process's hits, misses and evictions.</summary>
[Cmdlet(VerbsCommon.Get, "CacheStats", HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheStatistics))]
public sealed class GetCacheStatsCommand : ResponseCacheCommand
{
    /// <summary>The age beyond which entries count as expired.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double TtlDays { get; set; } = CachePolicy.DefaultTtlDays;

    /// <summary>The entry cap to report.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxEntries { get; set; } = CachePolicy.DefaultMaxEntries;

    protected override void EndProcessing()
    {
        CacheStatistics? statistics = null;
        if (TryCache(() => statistics = Engine.GetStatistics(new CachePolicy(MaxEntries, TtlDays), Log), Engine.CacheFilePath))
        {
            WriteObject(statistics);
        }
    }
}
