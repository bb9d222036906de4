using System;
using System.Collections.Generic;
using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// What the cache saved, one object per model per UTC day the hits happened, oldest first: for Group-Object and
/// Measure-Object. Counts entries gone from the cache too (the ledger keeps their days); on Redis, the namespace's
/// hits from every host.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CacheSavings", HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(DailySavings))]
public sealed class GetCacheSavingsCommand : ResponseCacheCommand
{
    /// <summary>Only these models' savings (as the replies name them, in any case).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? Model { get; set; }

    /// <summary>Only the days from this one's UTC date on.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    protected override void EndProcessing()
    {
        IReadOnlyList<DailySavings> days = Array.Empty<DailySavings>();
        if (TryCache(() => days = Cache.GetSavings(Model, Since, Log), Cache.Location))
        {
            foreach (DailySavings day in days)
            {
                WriteObject(day);
            }
        }
    }
}
