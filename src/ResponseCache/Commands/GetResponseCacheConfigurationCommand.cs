using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The cache's own MaxEntries, MaxSizeMB and TtlDays: the defaults until Set-ResponseCacheConfiguration stores others.</summary>
[Cmdlet(VerbsCommon.Get, "ResponseCacheConfiguration", HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheConfiguration))]
public sealed class GetResponseCacheConfigurationCommand : ResponseCacheCommand
{
    protected override void EndProcessing()
    {
        CacheConfiguration? configuration = null;
        ModelPrices? prices = null;
        if (TryCache(() => configuration = Cache.GetConfiguration(Log), Cache.Location) && TryCache(() => prices = Cache.GetPrices(Log), Cache.Location))
        {
            WriteObject(ConfigurationView.With(configuration!, prices!));
        }
    }
}
