using System;
using System.Collections.Generic;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>Removes entries by key, by key hash (what Get-CacheEntry lists) or by composed key; one write at the end.</summary>
[Cmdlet(VerbsCommon.Remove, "CachedResponse", DefaultParameterSetName = KeySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(int))]
public sealed class RemoveCachedResponseCommand : KeyedCacheCommand
{
    private const string KeyHashSet = "KeyHash";

    private readonly List<KeyHash> _selected = new List<KeyHash>();

    /// <summary>The key texts of the entries to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Key { get; set; } = Array.Empty<string>();

    /// <summary>The entries' names in ai_responses.json (64 hex digits), as Get-CacheEntry outputs them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeyHashSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] KeyHash { get; set; } = Array.Empty<string>();

    /// <summary>Outputs the number of entries removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case KeyHashSet:
                foreach (string hex in KeyHash)
                {
                    if (Core.KeyHash.TryParse(hex.AsSpan(), out KeyHash hash))
                    {
                        Select(hash, hex);
                    }
                    else
                    {
                        WriteError(new ErrorRecord(
                            new ArgumentException($"'{hex}' is not a key hash: a key hash is the 64 hexadecimal digits of an entry's SHA-256."),
                            ErrorIds.InvalidKeyHash,
                            ErrorCategory.InvalidArgument,
                            hex));
                    }
                }

                break;
            case ComposedSet:
                Select(Core.KeyHash.Compute(ComposedKey), ComposedKey);
                break;
            default:
                foreach (string key in Key)
                {
                    Select(Core.KeyHash.Compute(key), key);
                }

                break;
        }
    }

    protected override void EndProcessing()
    {
        int removed = 0;
        if (_selected.Count > 0 && !TryCache(() => removed = Engine.RemoveMany(_selected, Log), Engine.CacheFilePath))
        {
            return;
        }

        WriteVerbose($"Removed {removed} of the {_selected.Count} entries asked for; the others were not cached.");
        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    private void Select(KeyHash hash, string description)
    {
        if (ShouldProcess($"{description} in {Engine.CacheFilePath}", "Remove cached response"))
        {
            _selected.Add(hash);
        }
    }
}
