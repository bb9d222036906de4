using System.Management.Automation;

namespace ResponseCache.Commands;

/// <summary>Removes every entry. Medium impact: -WhatIf and -Confirm work, and a scheduled job is not prompted.</summary>
[Cmdlet(VerbsCommon.Clear, "ResponseCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class ClearResponseCacheCommand : ResponseCacheCommand
{
    protected override void EndProcessing()
    {
        if (!ShouldProcess(Engine.CacheFilePath, "Remove all cached responses"))
        {
            return;
        }

        int removed = 0;
        if (TryCache(() => removed = Engine.Clear(Log), Engine.CacheFilePath))
        {
            WriteVerbose($"Removed {removed} cached responses from '{Engine.CacheFilePath}'.");
        }
    }
}
