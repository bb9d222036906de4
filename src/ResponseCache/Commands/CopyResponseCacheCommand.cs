using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// Copies the unexpired entries of one cache (chosen as every cmdlet chooses it) into another: a directory
/// (-DestinationPath) or a Redis namespace (-DestinationConnectionString). Entries keep their creation and access
/// times, so they expire when they would have and the least recently used go first in the destination too; an entry
/// the destination already has under the same key is replaced. Like Copy-Item, it writes nothing to the pipeline
/// unless -PassThru is given.
/// </summary>
[Cmdlet(VerbsCommon.Copy, "ResponseCache", DefaultParameterSetName = ToPathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(int))]
public sealed class CopyResponseCacheCommand : ResponseCacheCommand
{
    private const string ToPathSet = "ToPath";
    private const string ToRedisSet = "ToRedis";

    // Entries per write: each batch is one change at the destination and one step of the progress bar.
    private const int BatchSize = 500;

    /// <summary>The directory to copy into.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ToPathSet)]
    [ValidateNotNullOrEmpty]
    public string? DestinationPath { get; set; }

    /// <summary>The Redis server to copy into.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ToRedisSet)]
    [ValidateNotNullOrEmpty]
    public string? DestinationConnectionString { get; set; }

    /// <summary>The namespace to copy into ("default" when not given).</summary>
    [Parameter(ParameterSetName = ToRedisSet)]
    [ValidatePattern(RedisNamespaceRule.Pattern)]
    public string? DestinationNamespace { get; set; }

    /// <summary>The destination server's user and password.</summary>
    [Parameter(ParameterSetName = ToRedisSet)]
    [Credential]
    public PSCredential? DestinationCredential { get; set; }

    /// <summary>Outputs the number of entries copied.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        ICacheBackend destination = ParameterSetName == ToRedisSet
            ? Selector.OpenRedis(DestinationConnectionString!, DestinationNamespace, DestinationCredential)
            : Selector.OpenDirectory(DestinationPath);
        if (ReferenceEquals(destination, Cache))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The source and the destination are the same cache ({Cache.Location}); nothing to copy."),
                ErrorIds.CopyToSameCache,
                ErrorCategory.InvalidArgument,
                Cache.Location));
        }

        IReadOnlyList<StoredResponse> entries = Array.Empty<StoredResponse>();
        CacheConfiguration? sourceConfiguration = null;
        CacheConfiguration? destinationConfiguration = null;
        if (!TryCache(() => (entries, sourceConfiguration) = (Cache.Export(Log, Cancellation), Cache.GetConfiguration(Log)), Cache.Location)
            || !TryCache(() => destinationConfiguration = destination.GetConfiguration(Log), destination.Location))
        {
            return;
        }

        // A cache never configured would keep only the default 100 of a larger cache: it takes the source's limits.
        bool adopt = destinationConfiguration!.IsDefault && !sourceConfiguration!.IsDefault;
        CacheConfiguration limits = adopt ? sourceConfiguration! : destinationConfiguration;
        if (!ShouldProcess($"from {Cache.Location} to {destination.Location}", DescribeCopy(entries.Count, limits, adopt)))
        {
            return;
        }

        if (adopt && !TryCache(() => destination.Configure(limits.MaxEntries, limits.MaxBytes, limits.TtlDays, false, Log, Cancellation), destination.Location))
        {
            return;
        }

        int copied = Copy(entries, destination);
        int landed = copied;
        if (copied > 0 && !TryCache(() => landed = CountPresent(entries, destination), destination.Location))
        {
            return;
        }

        if (landed < entries.Count && copied == entries.Count)
        {
            WriteWarning($"Only {landed:N0} of the {entries.Count:N0} copied responses are in {destination.Location}: its limits ({limits}) removed the rest, least recently used first. Raise them with Set-ResponseCacheConfiguration and copy again to keep them all.");
        }

        WriteVerbose($"Copied {landed:N0} of {entries.Count:N0} cached responses from {Cache.Location} to {destination.Location}.");
        if (PassThru)
        {
            WriteObject(landed);
        }
    }

    private static string DescribeCopy(int count, CacheConfiguration limits, bool adopt)
    {
        string description = count == 1 ? "Copy 1 cached response" : $"Copy {count:N0} cached responses";
        if (adopt)
        {
            description += $", giving the destination the source's configuration ({limits})";
        }

        if (count > limits.MaxEntries)
        {
            description += $"; the destination keeps at most {limits.MaxEntries:N0} entries (its MaxEntries), so at least {count - limits.MaxEntries:N0} would be evicted";
        }

        return description;
    }

    // How many of the copied entries the destination still has once its caps and TTL have had their say.
    private int CountPresent(IReadOnlyList<StoredResponse> entries, ICacheBackend destination)
    {
        var present = new HashSet<string>(destination.ListEntries(CachePolicy.Default, Log).Select(entry => entry.KeyHash), StringComparer.Ordinal);
        return entries.Count(entry => present.Contains(entry.Key.ToString()));
    }

    private int Copy(IReadOnlyList<StoredResponse> entries, ICacheBackend destination)
    {
        var progress = new ProgressRecord(1, "Copying cached responses", $"to {destination.Location}");
        int copied = 0;
        for (int start = 0; start < entries.Count; start += BatchSize)
        {
            progress.PercentComplete = start * 100 / entries.Count;
            progress.StatusDescription = $"{start:N0} of {entries.Count:N0} entries";
            WriteProgress(progress);

            // Oldest first, batch after batch: the destination's recency order ends up as the source's.
            List<StoredResponse> batch = entries.Skip(start).Take(BatchSize).ToList();
            int stored = 0;
            if (!TryCache(() => stored = destination.Import(batch, Log, Cancellation), destination.Location))
            {
                break;
            }

            copied += stored;
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        return copied;
    }
}
