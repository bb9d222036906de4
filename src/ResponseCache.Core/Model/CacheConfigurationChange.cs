namespace ResponseCache.Core;

/// <summary>What configuring a cache did, or with a preview would do.</summary>
public sealed class CacheConfigurationChange
{
    public CacheConfigurationChange(CacheConfiguration previous, CacheConfiguration current, int evicted)
    {
        Previous = previous;
        Current = current;
        Evicted = evicted;
    }

    public CacheConfiguration Previous { get; }

    public CacheConfiguration Current { get; }

    /// <summary>Least recently used entries removed (or, in a preview, that would be) to fit the new caps.</summary>
    public int Evicted { get; }

    /// <summary>The change as -WhatIf and -Confirm name it.</summary>
    public override string ToString() =>
        $"Configure the cache with {Current} (now {Previous})"
        + (Evicted > 0 ? $", evicting the {Evicted} least recently used entries beyond the new caps" : string.Empty);
}
