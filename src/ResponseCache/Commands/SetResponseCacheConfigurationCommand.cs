using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// Changes the cache's own caps and TTL, stored beside it for every process. Lowering a cap evicts least recently
/// used entries at once (-WhatIf says how many). Medium impact: a scheduled job is not prompted.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ResponseCacheConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheConfiguration))]
public sealed class SetResponseCacheConfigurationCommand : ResponseCacheCommand
{
    /// <summary>Least recently used entries beyond this many are evicted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxEntries { get; set; }

    /// <summary>
    /// Least recently used entries are evicted until the entries fit in this many MiB; 0 removes the cap, and so does
    /// null, which is how a configuration piped in from Get-ResponseCacheConfiguration shows none.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSizeCap]
    public double? MaxSizeMB { get; set; }

    /// <summary>Entries older than this are removed; callers may accept less with their own -TtlDays.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateTtlDays(AllowZero = false)]
    public double? TtlDays { get; set; }

    /// <summary>Outputs the configuration the cache has afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        long? maxBytes = MaxSizeMB is null && MyInvocation.BoundParameters.ContainsKey(nameof(MaxSizeMB)) ? 0 : SizeCap.ToBytes(MaxSizeMB);
        CacheConfigurationChange? preview = null;
        if (!TryCache(() => preview = Cache.Configure(MaxEntries, maxBytes, TtlDays, true, Log, Cancellation), Cache.Location))
        {
            return;
        }

        if (!ShouldProcess(Cache.Location, preview!.ToString()))
        {
            return;
        }

        CacheConfigurationChange? change = null;
        if (!TryCache(() => change = Cache.Configure(MaxEntries, maxBytes, TtlDays, false, Log, Cancellation), Cache.Location))
        {
            return;
        }

        if (PassThru)
        {
            WriteObject(change!.Current);
        }
    }
}
