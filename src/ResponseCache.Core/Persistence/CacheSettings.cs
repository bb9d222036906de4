using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cache's configuration on disk: ai_responses.json.settings, and ai_responses.json.settings.last-good, a copy
/// of the last settings that were read or written sound. Both are written under the cache's lock. The copy is what
/// lets a cache survive damage to its settings (a truncated write, an editor, a deleted file) without shrinking to
/// the defaults: neither file alone means "never configured" once the copy exists.
/// </summary>
internal sealed class CacheSettings
{
    public const string Suffix = ".settings";
    public const string LastGoodSuffix = ".last-good";

    private readonly SettingsFile _current;
    private readonly SettingsFile _lastGood;

    public CacheSettings(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        _current = new SettingsFile(cacheFilePath + Suffix, fileSystem);
        _lastGood = new SettingsFile(cacheFilePath + Suffix + LastGoodSuffix, fileSystem);
    }

    public string Path => _current.Path;

    public string LastGoodPath => _lastGood.Path;

    public (FileSignature Current, FileSignature LastGood) Probe() => (_current.Probe(), _lastGood.Probe());

    /// <summary>The cache was configured: its settings, or their last good copy, are on disk.</summary>
    public bool Exist => _current.Probe().Exists || _lastGood.Probe().Exists;

    public SettingsRead Load()
    {
        CacheConfiguration? current = _current.Load(out string? damage);
        CacheConfiguration? lastGood = _lastGood.Load(out string? lastGoodDamage);
        if (current is not null)
        {
            return SettingsRead.Sound(current, lastGoodIsStale: !current.Equals(lastGood));
        }

        if (damage is null && lastGood is null && lastGoodDamage is null)
        {
            return SettingsRead.NeverConfigured;
        }

        return SettingsRead.Damaged(damage ?? "it is missing", lastGood);
    }

    /// <summary>Under the lock: the settings, then their copy, so a crash in between leaves sound settings to copy again.</summary>
    public void Save(CacheConfiguration configuration)
    {
        _current.Save(configuration);
        _lastGood.Save(configuration);
    }

    /// <summary>Under the lock: records sound settings (an earlier build's, or read before the copy was written) as the last good ones.</summary>
    public void KeepAsLastGood(CacheConfiguration configuration) => _lastGood.Save(configuration);
}
