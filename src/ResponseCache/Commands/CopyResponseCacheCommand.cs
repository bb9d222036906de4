using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Completion;
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
    [ArgumentCompleter(typeof(DirectoryCompleter))]
    public string? DestinationPath { get; set; }

    /// <summary>The Redis server to copy into.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ToRedisSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string? DestinationConnectionString { get; set; }

    /// <summary>The namespace to copy into ("default" when not given).</summary>
    [Parameter(ParameterSetName = ToRedisSet)]
    [ValidatePattern(RedisNamespaceRule.Pattern)]
    [ArgumentCompleter(typeof(NoCompletions))]
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
        // A namespace named through another spelling of its server (localhost, 127.0.0.1) is the same cache too.
        if (ReferenceEquals(destination, Cache)
            || (ParameterSetName == ToRedisSet && Cache is not DirectoryCache && RedisBackendLoader.AreSameNamespace(Cache, destination)))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The source and the destination are the same cache ({Cache.Location}); nothing to copy."),
                ErrorIds.CopyToSameCache,
                ErrorCategory.InvalidArgument,
                Cache.Location));
        }

        // As Copy-Item refuses a source that is not there: a backup from a mistyped path must not succeed with nothing.
        if (Cache is DirectoryCache { Exists: false } missing)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ItemNotFoundException($"There is no cache in '{missing.Directory}': nothing was copied."),
                ErrorIds.CacheNotFound,
                ErrorCategory.ObjectNotFound,
                missing.Directory));
        }

        IReadOnlyList<StoredResponse> entries = Array.Empty<StoredResponse>();
        CacheConfiguration? sourceConfiguration = null;
        CacheConfiguration? destinationConfiguration = null;
        HashSet<string> before = new HashSet<string>(StringComparer.Ordinal);
        if (!TryCache(() => (entries, sourceConfiguration) = (Cache.Export(Log, Cancellation), Cache.GetConfiguration(Log)), Cache.Location)
            || !TryCache(() => (destinationConfiguration, before) = (destination.GetConfiguration(Log), Hashes(destination)), destination.Location))
        {
            return;
        }

        CacheConfiguration limits = Widened(destinationConfiguration!, sourceConfiguration!);
        bool adopt = !limits.Equals(destinationConfiguration);
        var copying = new HashSet<string>(entries.Select(entry => entry.Key.ToString()), StringComparer.Ordinal);
        int own = before.Count(hash => !copying.Contains(hash));
        if (!ShouldProcess($"from {Cache.Location} to {destination.Location}", DescribeCopy(entries.Count, own, limits, adopt)))
        {
            return;
        }

        if (adopt && !TryCache(() => destination.Configure(limits.MaxEntries, limits.MaxBytes, limits.TtlDays, false, Log, Cancellation), destination.Location))
        {
            return;
        }

        bool complete = Copy(entries, destination);
        HashSet<string> after = before;
        if (!TryCache(() => after = Hashes(destination), destination.Location))
        {
            return;
        }

        int landed = copying.Count(after.Contains);
        int ownEvicted = before.Count(hash => !copying.Contains(hash) && !after.Contains(hash));
        if (complete && (landed < entries.Count || ownEvicted > 0))
        {
            WriteWarning(
                $"{landed:N0} of the {entries.Count:N0} copied responses are in {destination.Location}"
                + (ownEvicted > 0 ? $", and {ownEvicted:N0} of its own entries were evicted" : string.Empty)
                + $": its limits ({limits}) removed the least recently used and any older than its TtlDays. Raise them with Set-ResponseCacheConfiguration before copying to keep everything.");
        }

        WriteVerbose($"Copied {landed:N0} of {entries.Count:N0} cached responses from {Cache.Location} to {destination.Location}.");
        if (PassThru)
        {
            WriteObject(landed);
        }
    }

    // A destination never configured takes each of the source's limits that keeps more than its default (it has no
    // size cap, the widest), so a copy into a new cache keeps what it copies; none is narrowed, so nothing the
    // destination held is lost to them.
    private static CacheConfiguration Widened(CacheConfiguration destination, CacheConfiguration source) =>
        destination.IsDefault
            ? new CacheConfiguration(Math.Max(destination.MaxEntries, source.MaxEntries), destination.MaxBytes, Math.Max(destination.TtlDays, source.TtlDays))
            : destination;

    private static string DescribeCopy(int count, int own, CacheConfiguration limits, bool adopt)
    {
        string description = count == 1 ? "Copy 1 cached response" : $"Copy {count:N0} cached responses";
        if (adopt)
        {
            description += $", giving the destination, never configured, {limits}";
        }

        if (count + own > limits.MaxEntries)
        {
            description += $"; the destination keeps at most {limits.MaxEntries:N0} entries (its MaxEntries) of the {count + own:N0} it would hold, so at least {count + own - limits.MaxEntries:N0} would be evicted, least recently used first";
        }

        return description;
    }

    private HashSet<string> Hashes(ICacheBackend cache) =>
        new HashSet<string>(cache.ListEntries(CachePolicy.Default, Log).Select(entry => entry.KeyHash), StringComparer.Ordinal);

    // Whether every batch was written; an error was written for the one that was not.
    private bool Copy(IReadOnlyList<StoredResponse> entries, ICacheBackend destination)
    {
        var progress = new ProgressRecord(1, "Copying cached responses", $"to {destination.Location}");
        bool complete = true;
        for (int start = 0; start < entries.Count; start += BatchSize)
        {
            progress.PercentComplete = start * 100 / entries.Count;
            progress.StatusDescription = $"{start:N0} of {entries.Count:N0} entries";
            WriteProgress(progress);

            // Oldest first, batch after batch: the destination's recency order ends up as the source's.
            List<StoredResponse> batch = entries.Skip(start).Take(BatchSize).ToList();
            if (!TryCache(() => destination.Import(batch, Log, Cancellation), destination.Location))
            {
                complete = false;
                break;
            }
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        return complete;
    }
}
