using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// Removes entries by key, by key hash, by composed key, by request, or as Get-CacheEntry's entries, each from the cache it came
/// from; one write per cache, at the end.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CachedResponse", DefaultParameterSetName = KeySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(int))]
public sealed class RemoveCachedResponseCommand : KeyedCacheCommand
{
    private const string KeyHashSet = "KeyHash";
    private const string EntrySet = "Entry";
    private const string TagSet = "Tag";

    private readonly Dictionary<ICacheBackend, List<KeyHash>> _selected = new Dictionary<ICacheBackend, List<KeyHash>>();
    private readonly Dictionary<ICacheBackend, HashSet<KeyHash>> _cachedForPreview = new Dictionary<ICacheBackend, HashSet<KeyHash>>();
    private bool _cacheGiven;

    /// <summary>The key texts of the entries to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation(EachItem = true)]
    [ArgumentCompleter(typeof(NoCompletions))]
    public string[] Key { get; set; } = Array.Empty<string>();

    /// <summary>The entries' names in ai_responses.json (64 hex digits), as Get-CacheEntry outputs them, or the first 8 or more digits of one entry's name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeyHashSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyHashCompleter))]
    public string[] KeyHash { get; set; } = Array.Empty<string>();

    /// <summary>Entries from Get-CacheEntry; each is removed from the cache it was listed from.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EntrySet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public CacheEntryInfo[] InputObject { get; set; } = Array.Empty<CacheEntryInfo>();

    /// <summary>Removes every entry that has any of these tags (in any case), in one change.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TagSet)]
    [ValidateNotNullOrEmpty]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string[] Tag { get; set; } = Array.Empty<string>();

    /// <summary>Outputs the number of entries removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // Piped entries carry their cache: the default cache is looked up only when something needs it.
    protected override void BeginProcessing()
    {
        _cacheGiven = CacheNamed;
        if (_cacheGiven)
        {
            base.BeginProcessing();
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case EntrySet:
                foreach (CacheEntryInfo entry in InputObject)
                {
                    SelectEntry(entry);
                }

                break;
            case KeyHashSet:
                foreach (string hex in KeyHash)
                {
                    SelectHash(Cache, hex, hex);
                }

                break;
            case RequestSet:
            case ComposedSet:
                if (TryResolveKey(composed: true, string.Empty, out string composedKey))
                {
                    Select(Cache, Core.KeyHash.Compute(composedKey), KeyText.Describe(composedKey));
                }

                break;
            default:
                foreach (string key in Key)
                {
                    if (IsKeyText(key, nameof(Key)))
                    {
                        Select(Cache, Core.KeyHash.Compute(key), KeyText.Describe(key));
                    }
                }

                break;
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == TagSet)
        {
            RemoveTagged();
            return;
        }

        int removed = 0;
        foreach (KeyValuePair<ICacheBackend, List<KeyHash>> cache in _selected)
        {
            int removedHere = 0;
            if (TryCache(() => removedHere = cache.Key.RemoveMany(cache.Value, Log, Cancellation), cache.Key.Location))
            {
                removed += removedHere;
            }
        }

        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    private void RemoveTagged()
    {
        string target = $"entries {TagSelection.Describe(Tag)} in {Cache.Location}";
        if (WhatIfMode.IsOnOrConfirming(this))
        {
            IReadOnlyList<CacheEntryInfo> entries = Array.Empty<CacheEntryInfo>();
            TryCache(() => entries = Cache.ListEntries(CachePolicy.Default, Log), Cache.Location);
            target += $" ({TagSelection.CountText(entries.Count(entry => TagSelection.Matches(entry, Tag)))})";
        }

        int removed = 0;
        if (ShouldProcess(target, "Remove cached responses") && TryCache(() => removed = Cache.RemoveTagged(Tag, Log, Cancellation), Cache.Location) && PassThru)
        {
            WriteObject(removed);
        }
    }

    private void SelectEntry(CacheEntryInfo entry)
    {
        ICacheBackend source = entry.Source;
        if (_cacheGiven && !ReferenceEquals(source, Cache))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"The entry {ShortHash(entry.KeyHash)} was listed from the cache at {entry.Location}, but this call names the cache at {Cache.Location}, through -Path or -ConnectionString (typed, or set in $PSDefaultParameterValues, which counts as typed). Leave them out, or name the cache the entries came from, to remove piped entries from it."),
                ErrorIds.CacheEntryPathConflict,
                ErrorCategory.InvalidArgument,
                entry));
            return;
        }

        SelectHash(source, entry.KeyHash, entry);
    }

    private void SelectHash(ICacheBackend cache, string hex, object target)
    {
        if (Core.KeyHash.TryParse(hex.AsSpan(), out KeyHash hash))
        {
            Select(cache, hash, $"key {hash.ToShortString()}");
        }
        else if (KeyHashPrefix.TryParse(hex, out KeyHashPrefix prefix))
        {
            SelectPrefix(cache, prefix, target);
        }
        else
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"'{hex}' is not a key hash: a key hash is the 64 hexadecimal digits of an entry's SHA-256, or its first {KeyHashPrefix.MinLength} or more as tables and messages show them."),
                ErrorIds.InvalidKeyHash,
                ErrorCategory.InvalidArgument,
                target));
        }
    }

    private void SelectPrefix(ICacheBackend cache, KeyHashPrefix prefix, object target)
    {
        KeyHash? match = null;
        if (!TryCache(() => match = cache.FindKeyHash(prefix, Log), target))
        {
            return;
        }

        if (match is KeyHash hash)
        {
            Select(cache, hash, $"key {hash.ToShortString()}");
        }
        else if (WhatIfMode.IsOnOrConfirming(this))
        {
            ShouldProcess($"key {prefix} in {cache.Location} (not cached: nothing to remove)", "Remove cached response");
        }
        else if (cache is DirectoryCache { Exists: false } missing)
        {
            WriteWarning(DirectoryCache.NothingToRemove(missing.Directory));
        }
        else
        {
            WriteVerbose($"No entry's key hash in {cache.Location} starts with '{prefix}'; nothing to remove.");
        }
    }

    private void Select(ICacheBackend cache, KeyHash hash, string description)
    {
        string target = $"{description} in {cache.Location}";
        if (WhatIfMode.IsOnOrConfirming(this) && !IsCached(cache, hash))
        {
            target += " (not cached: nothing to remove)";
        }

        if (!ShouldProcess(target, "Remove cached response"))
        {
            return;
        }

        if (!_selected.TryGetValue(cache, out List<KeyHash>? hashes))
        {
            _selected[cache] = hashes = new List<KeyHash>();
        }

        hashes.Add(hash);
    }

    private bool IsCached(ICacheBackend cache, KeyHash hash)
    {
        if (!_cachedForPreview.TryGetValue(cache, out HashSet<KeyHash>? cached))
        {
            IReadOnlyList<CacheEntryInfo> entries = Array.Empty<CacheEntryInfo>();
            TryCache(() => entries = cache.ListEntries(CachePolicy.Default, Log), cache.Location);
            _cachedForPreview[cache] = cached = new HashSet<KeyHash>(entries.Select(entry => Core.KeyHash.TryParse(entry.KeyHash.AsSpan(), out KeyHash parsed) ? parsed : default));
        }

        return cached.Contains(hash);
    }

    private static string ShortHash(string keyHash) => keyHash.Length > 8 ? keyHash.Substring(0, 8) : keyHash;
}
