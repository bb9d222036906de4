namespace ResponseCache.Core.Persistence;

/// <summary>What the settings files said: a configuration to use, or damage and the last good configuration, if any is known.</summary>
internal sealed class SettingsRead
{
    private SettingsRead(CacheConfiguration? configuration, string? damage, bool lastGoodIsStale)
    {
        Configuration = configuration;
        Damage = damage;
        LastGoodIsStale = lastGoodIsStale;
    }

    public static SettingsRead NeverConfigured { get; } = new SettingsRead(CacheConfiguration.Default, null, lastGoodIsStale: false);

    /// <summary>The sound settings, or with <see cref="Damage"/> the last good copy; null when damage left none.</summary>
    public CacheConfiguration? Configuration { get; }

    /// <summary>Why the settings cannot be used; null when they are sound or were never written.</summary>
    public string? Damage { get; }

    /// <summary>Sound settings that the last good copy does not hold yet.</summary>
    public bool LastGoodIsStale { get; }

    public static SettingsRead Sound(CacheConfiguration configuration, bool lastGoodIsStale) => new SettingsRead(configuration, null, lastGoodIsStale);

    public static SettingsRead Damaged(string damage, CacheConfiguration? lastGood) => new SettingsRead(lastGood, damage, lastGoodIsStale: false);
}
