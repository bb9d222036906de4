using System;

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
    /// <paramref name="reset"/>), forgetting the days <see cref="SavingsLedger"/> no longer keeps at
    /// <paramref name="now"/>. A damaged ledger is kept aside and started anew, with a warning.
    /// </summary>
    public void Add(SavingsLedger change, bool reset, DateTimeOffset now, ICacheLog log)
    {
        SavingsLedger ledger = new SavingsLedger();
        if (!reset)
        {
            ledger = Load(out string? damage);
            if (damage is not null)
            {
                string aside = _file.SetAside(now);
                log.Warning($"The savings ledger '{Path}' could not be read ({damage}); it is kept as '{aside}' and the ledger starts anew, so what it counted is no longer in Get-CacheStats and Get-CacheSavings.");
            }
        }

        ledger.Add(change);
        ledger.ForgetDaysBefore(SavingsLedger.FirstKeptDay(now));
        _file.Replace(ledger.ToJson());
    }
}
