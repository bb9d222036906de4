using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cache's savings ledger (<see cref="SavingsLedger"/>): ai_responses.json.savings beside the cache, the module's
/// own, which the Python reference never reads. Apart from the cache file because the reference rewrites that whole
/// and would drop it. Changed only under the cache's lock, by the change whose entries it accounts for; read without
/// the lock (it is only ever replaced whole).
/// </summary>
internal sealed class SavingsFile
{
    public const string Suffix = ".savings";

    private readonly ICacheFileSystem _fileSystem;

    public SavingsFile(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + Suffix;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    public bool Exists => _fileSystem.FileExists(Path);

    /// <summary>The ledger; empty when there is no file, or when it cannot be read, which <paramref name="damage"/> then says.</summary>
    public SavingsLedger Load(out string? damage)
    {
        damage = null;
        if (!_fileSystem.FileExists(Path))
        {
            return new SavingsLedger();
        }

        byte[] bytes = FileOperation.Run(Path, "read the savings ledger", () => _fileSystem.ReadAllBytes(Path));
        try
        {
            return SavingsLedger.FromJson(bytes);
        }
        catch (FormatException ex)
        {
            damage = ex.Message;
            return new SavingsLedger();
        }
    }

    /// <summary>
    /// Under the cache's lock: adds <paramref name="change"/> to the ledger (to an empty one when
    /// <paramref name="reset"/>), forgetting days before <paramref name="firstKeptDay"/>. A damaged ledger is
    /// started anew, with a warning: it only ever held counts.
    /// </summary>
    public void Add(SavingsLedger change, bool reset, string firstKeptDay, ICacheLog log)
    {
        SavingsLedger ledger = new SavingsLedger();
        if (!reset)
        {
            ledger = Load(out string? damage);
            if (damage is not null)
            {
                log.Warning($"The savings ledger '{Path}' cannot be read ({damage}); it starts anew, so what entries no longer in the cache saved is no longer counted.");
            }
        }

        ledger.Add(change);
        ledger.ForgetDaysBefore(firstKeptDay);
        AtomicFile.RemoveAbandoned(_fileSystem, Path);
        byte[] json = ledger.ToJson();
        AtomicFile.Write(_fileSystem, Path, "savings ledger", stream => stream.Write(json, 0, json.Length));
    }
}
