using System.Collections.Generic;
using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>Lists entries' metadata (no responses), least recently used first; pipes into Remove-CachedResponse.</summary>
[Cmdlet(VerbsCommon.Get, "CacheEntry", DefaultParameterSetName = KeySet, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheEntryInfo))]
public sealed class GetCacheEntryCommand : ResponseCacheCommand
{
    private const int ProgressThreshold = 1000;
    private const string KeySet = "Key";
    private const string RequestSet = "Request";

    /// <summary>The TTL that decides Expires and IsExpired; the cache's when not given.</summary>
    [Parameter]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    /// <summary>Lists only expired entries.</summary>
    [Parameter]
    public SwitchParameter Expired { get; set; }

    /// <summary>Lists only the entry for this key text.</summary>
    [Parameter(Position = 0, ParameterSetName = KeySet)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string? Key { get; set; }

    /// <summary>Lists only entries that have any of these tags (in any case).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string[]? Tag { get; set; }

    /// <summary>Lists only entries whose replies name any of these models (in any case).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? Model { get; set; }

    /// <summary>Lists only the entry for this request (its canonical JSON is the key).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RequestSet)]
    [ValidateNotNull]
    public object? Request { get; set; }

    protected override void EndProcessing()
    {
        string? key = Key;
        if (Request is not null && !TryRequestKey(Request, out key))
        {
            return;
        }

        if (Key is not null && !IsKeyText(Key, nameof(Key)))
        {
            return;
        }

        IReadOnlyList<CacheEntryInfo> entries = new List<CacheEntryInfo>();
        if (!TryCache(() => entries = Cache.ListEntries(CachePolicy.ForTtl(TtlDays), Log), Cache.Location))
        {
            return;
        }

        string? wanted = key is null ? null : KeyHash.Compute(key).ToString();
        var progress = new ProgressRecord(1, "Listing cached responses", Cache.Location);
        bool showProgress = entries.Count >= ProgressThreshold;
        for (int i = 0; i < entries.Count; i++)
        {
            if (showProgress && i % (ProgressThreshold / 10) == 0)
            {
                progress.PercentComplete = i * 100 / entries.Count;
                progress.StatusDescription = $"{i:N0} of {entries.Count:N0} entries";
                WriteProgress(progress);
            }

            CacheEntryInfo entry = entries[i];
            if ((!Expired || entry.IsExpired) && (wanted is null || entry.KeyHash == wanted) && (Tag is null || TagSelection.Matches(entry, Tag)) && (Model is null || ModelSelection.Matches(entry, Model)))
            {
                WriteObject(entry);
            }
        }

        if (showProgress)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }
}
