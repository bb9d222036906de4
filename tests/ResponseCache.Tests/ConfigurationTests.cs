using System.Text.Json;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>The caps and TTL belong to the cache: stored beside it, shared by every process, changed only on purpose.</summary>
public sealed class ConfigurationTests : CacheTestBase
{
    private string SettingsFile => CacheFile + ".settings";

    [Fact]
    public void A_call_that_gives_no_caps_keeps_everything_a_larger_configured_cap_holds()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.SetMany(Enumerable.Range(1, 300).Select(i => new KeyValuePair<string, byte[]>($"k{i}", Responses.Json($"v{i}"))).ToList(), Policy(maxEntries: 1000));

        engine.Set("new", Responses.Json("x"), CachePolicy.Default);

        Assert.Equal(301, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void A_cache_never_configured_uses_the_reference_defaults_and_has_no_settings_file()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);

        CacheConfiguration configuration = engine.GetConfiguration();

        Assert.Equal((100, null, 7.0), (configuration.MaxEntries, configuration.MaxSizeMB, configuration.TtlDays));
        Assert.False(File.Exists(SettingsFile));
    }

    [Fact]
    public void The_configuration_is_a_small_json_file_beside_the_cache_that_a_new_engine_reads()
    {
        NewEngine().Configure(maxEntries: 1000, maxBytes: CacheConfiguration.BytesFromMB(50), ttlDays: 30);

        using (JsonDocument stored = JsonDocument.Parse(File.ReadAllBytes(SettingsFile)))
        {
            Assert.Equal(1000, stored.RootElement.GetProperty("max_entries").GetInt32());
            Assert.Equal(50L * 1024 * 1024, stored.RootElement.GetProperty("max_bytes").GetInt64());
            Assert.Equal(30, stored.RootElement.GetProperty("ttl_days").GetDouble());
        }

        CacheConfiguration read = NewEngine().GetConfiguration();
        Assert.Equal((1000, (double?)50, 30.0), (read.MaxEntries, read.MaxSizeMB, read.TtlDays));
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Configuring_changes_only_the_values_given_and_a_size_cap_of_zero_removes_the_cap()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Configure(maxEntries: 500, maxBytes: CacheConfiguration.BytesFromMB(2));

        engine.Configure(ttlDays: 1);
        Assert.Equal((500, (double?)2, 1.0), (engine.GetConfiguration().MaxEntries, engine.GetConfiguration().MaxSizeMB, engine.GetConfiguration().TtlDays));

        engine.Configure(maxBytes: 0);
        Assert.Null(engine.GetConfiguration().MaxSizeMB);
    }

    [Fact]
    public void Another_process_that_configures_the_cache_changes_what_this_one_evicts_to()
    {
        ResponseCacheEngine console = NewEngine();
        SetOneSecondApart(console, CachePolicy.Default, "a", "b");

        NewEngine().Configure(maxEntries: 2);
        console.Set("c", Responses.Json("answer to c"), CachePolicy.Default);

        Assert.Equal(new[] { "b", "c" }.Select(CacheFileContent.HashOf).OrderBy(item => item, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(item => item, StringComparer.Ordinal));
        Assert.Equal(2, console.GetStatistics(CachePolicy.Default).MaxEntries);
    }

    [Fact]
    public void Caps_a_call_gives_become_the_caches_for_every_later_call()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, Policy(maxEntries: 3), "a", "b", "c");

        SetOneSecondApart(engine, CachePolicy.Default, "d", "e");

        Assert.Equal(3, NewEngine().GetConfiguration().MaxEntries);
        Assert.Equal(new[] { "c", "d", "e" }.Select(CacheFileContent.HashOf).OrderBy(item => item, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(item => item, StringComparer.Ordinal));
    }

    [Fact]
    public void Lowering_a_cap_evicts_the_least_recently_used_at_once_and_a_preview_only_counts_them()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, CachePolicy.Default, "a", "b", "c", "d", "e");

        CacheConfigurationChange preview = engine.Configure(maxEntries: 2, preview: true);
        Assert.Equal((3, 100, 2), (preview.Evicted, preview.Previous.MaxEntries, preview.Current.MaxEntries));
        Assert.Equal(5, CacheFileContent.Entries(CacheFile).Count);
        Assert.Equal(100, NewEngine().GetConfiguration().MaxEntries);

        CacheConfigurationChange change = engine.Configure(maxEntries: 2);

        Assert.Equal(3, change.Evicted);
        Assert.Equal(new[] { "d", "e" }.Select(CacheFileContent.HashOf).OrderBy(item => item, StringComparer.Ordinal), CacheFileContent.Entries(CacheFile).Keys.OrderBy(item => item, StringComparer.Ordinal));
        Assert.Equal(3, engine.GetStatistics(CachePolicy.Default).Evictions);
    }

    [Fact]
    public void A_preview_of_a_size_cap_counts_what_the_size_cap_would_evict()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, CachePolicy.Default, _ => Responses.OfSize(1000, 'x'), "a", "b", "c", "d");
        long twoEntries = engine.ListEntries(CachePolicy.Default).Take(2).Sum(entry => entry.SizeBytes);

        CacheConfigurationChange preview = engine.Configure(maxBytes: twoEntries, preview: true);
        CacheConfigurationChange change = engine.Configure(maxBytes: twoEntries);

        Assert.Equal(2, preview.Evicted);
        Assert.Equal(2, change.Evicted);
        Assert.Equal(2, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void A_settings_file_that_cannot_be_written_leaves_the_configuration_and_the_entries_as_they_were()
    {
        ResponseCacheEngine engine = NewEngine();
        SetOneSecondApart(engine, CachePolicy.Default, "a", "b", "c");
        engine.Configure(maxEntries: 50);
        byte[] settings = File.ReadAllBytes(SettingsFile);
        Disk.Fail(FaultPoint.Replace, ".settings");

        Assert.Throws<CacheStorageException>(() => engine.Configure(maxEntries: 1));

        Assert.Equal(3, CacheFileContent.Entries(CacheFile).Count);
        Assert.Equal(settings, File.ReadAllBytes(SettingsFile));
        Assert.Equal(50, engine.GetConfiguration().MaxEntries);
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_damaged_settings_file_is_kept_aside_with_a_warning_and_the_defaults_apply()
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(SettingsFile, "{\"max_entries\": \"lots\"}");
        ResponseCacheEngine engine = NewEngine();

        CacheConfiguration configuration = engine.GetConfiguration(Log);

        Assert.True(configuration.IsDefault);
        Assert.Contains(Log.Warnings, warning => warning.Contains(SettingsFile, StringComparison.Ordinal));
        Assert.True(File.Exists(AsidePathOf(SettingsFile)));
        Assert.False(File.Exists(SettingsFile));
    }
}
