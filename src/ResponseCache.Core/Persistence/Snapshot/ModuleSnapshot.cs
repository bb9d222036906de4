namespace ResponseCache.Core.Persistence;

/// <summary>What the module last wrote to ai_responses.json, and when (the file's time, on the file system's clock).</summary>
internal sealed class ModuleSnapshot
{
    public ModuleSnapshot(LruIndex entries, double writtenAt)
    {
        Entries = entries;
        WrittenAt = writtenAt;
    }

    public LruIndex Entries { get; }

    /// <summary>Unix seconds.</summary>
    public double WrittenAt { get; }
}
