using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The user's prices: ai_responses.json.prices beside the cache, which the Python reference never reads. Apart from
/// the settings file because prices only serve reports: a damaged price file must never touch the caps that every
/// write applies. Written atomically under the cache's lock; read without it (it is only ever replaced whole).
/// </summary>
internal sealed class PriceFile
{
    public const string Suffix = ".prices";

    private readonly ICacheFileSystem _fileSystem;

    public PriceFile(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + Suffix;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    /// <summary>The stored prices; none when there is no file, or when it cannot be read, which <paramref name="damage"/> then says.</summary>
    public ModelPrices Load(out string? damage)
    {
        damage = null;
        if (!_fileSystem.FileExists(Path))
        {
            return ModelPrices.None;
        }

        byte[] bytes = FileOperation.Run(Path, "read the prices", () => _fileSystem.ReadAllBytes(Path));
        try
        {
            return ModelPrices.FromJson(bytes);
        }
        catch (FormatException ex)
        {
            damage = ex.Message;
            return ModelPrices.None;
        }
    }

    /// <summary>Under the cache's lock: stores the prices, or removes the file when there are none.</summary>
    public void Save(ModelPrices prices)
    {
        AtomicFile.RemoveAbandoned(_fileSystem, Path);
        if (prices.Count == 0)
        {
            if (_fileSystem.FileExists(Path))
            {
                FileOperation.Run(Path, "remove the prices", () => _fileSystem.Delete(Path));
            }

            return;
        }

        byte[] json = prices.ToJson();
        AtomicFile.Write(_fileSystem, Path, "prices", stream => stream.Write(json, 0, json.Length));
    }
}
