using System.Linq;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The configuration as the configuration cmdlets show it: its caps and TTL, and the user's prices.</summary>
internal static class ConfigurationView
{
    public static PSObject With(CacheConfiguration configuration, ModelPrices prices)
    {
        // A copy: PowerShell keeps a note property with the object, and the default configuration is one shared instance.
        PSObject shown = PSObject.AsPSObject(configuration.With());
        shown.Properties.Add(new PSNoteProperty("Prices", prices.All.ToArray()));
        return shown;
    }
}
