namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cache's savings ledger (<see cref="SavingsLedger"/>): ai_responses.json.savings beside the cache, apart from
/// the cache file because the reference rewrites that whole and would drop it. Changed only by the change whose
/// entries it accounts for.
/// </summary>
internal sealed class SavingsFile
{
    public const string Suffix = ".savings";

    private readonly SidecarFile _file;

    public SavingsFile(string cacheFilePath, ICacheFileSystem fileSystem) => _file = new SidecarFile(cacheFilePath, Suffix, "savings ledger", fileSystem);

    public string Path => _file.Path;

    public bool Exists => _file.Exists;

    /// <summary>The ledger; empty when there is no file, or when it cannot be read, which <paramref name="damage"/> then says.</summary>
    public SavingsLedger Load(out string? damage) => _file.Load(SavingsLedger.FromJson, () => new SavingsLedger(), out damage);

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
        _file.Replace(ledger.ToJson());
    }
}
