using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The user's prices: ai_responses.json.prices beside the cache. Apart from the settings file because prices only
/// serve reports: a damaged price file must never touch the caps that every write applies.
/// </summary>
internal sealed class PriceFile
{
    public const string Suffix = ".prices";

    private readonly SidecarFile _file;

    public PriceFile(string cacheFilePath, ICacheFileSystem fileSystem) => _file = new SidecarFile(cacheFilePath, Suffix, "prices", fileSystem);

    public string Path => _file.Path;

    /// <summary>The stored prices; none when there is no file, or when it cannot be read, which <paramref name="damage"/> then says.</summary>
    public ModelPrices Load(out string? damage) => _file.Load(ModelPrices.FromJson, () => ModelPrices.None, out damage);

    /// <summary>Under the cache's lock: keeps a damaged price file for a person to look at; returns its new name.</summary>
    public string SetAside(DateTimeOffset now) => _file.SetAside(now);

    /// <summary>Under the cache's lock: stores the prices, or removes the file when there are none.</summary>
    public void Save(ModelPrices prices)
    {
        if (prices.Count == 0)
        {
            _file.Delete();
        }
        else
        {
            _file.Replace(prices.ToJson());
        }
    }
}
