using System.Management.Automation;
using System.Reflection;

namespace ResponseCache.Commands;

/// <summary>
/// Whether ShouldProcess will only describe (-WhatIf), or describe and ask (a -Confirm prompt): what it shows is then
/// worth a look at the cache, such as how many entries a change removes.
/// </summary>
internal static class WhatIfMode
{
    public static bool IsOn(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? given)
            ? LanguagePrimitives.IsTrue(given)
            : LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));

    /// <summary>-WhatIf, or a confirmation prompt: -Confirm, or a $ConfirmPreference at or below the cmdlet's impact.</summary>
    public static bool IsOnOrConfirming(PSCmdlet cmdlet) => IsOn(cmdlet) || WillConfirm(cmdlet);

    private static bool WillConfirm(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Confirm", out object? given))
        {
            return LanguagePrimitives.IsTrue(given);
        }

        ConfirmImpact impact = cmdlet.GetType().GetCustomAttribute<CmdletAttribute>()?.ConfirmImpact ?? ConfirmImpact.Medium;
        return cmdlet.GetVariableValue("ConfirmPreference") is ConfirmImpact preference && preference != ConfirmImpact.None && impact >= preference;
    }
}
