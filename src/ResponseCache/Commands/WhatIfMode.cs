using System.Management.Automation;

namespace ResponseCache.Commands;

/// <summary>Whether ShouldProcess will only describe: what -WhatIf shows is then worth a look at the cache.</summary>
internal static class WhatIfMode
{
    public static bool IsOn(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? given)
            ? LanguagePrimitives.IsTrue(given)
            : LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));
}
