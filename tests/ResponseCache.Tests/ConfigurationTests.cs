using System.Text.Json;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>The configuration's settings file beside the cache. The configuration rules themselves are in Contract/CacheContract.Configuration.cs.</summary>
public sealed class ConfigurationTests : CacheTestBase
{
    private string SettingsFile => CacheFile + ".settings";

    [Fact]
    public void A_cache_never_configured_has_no_settings_file()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);

        Assert.True(engine.GetConfiguration().IsDefault);
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
    public void A_settings_file_that_cannot_be_written_leaves_the_configuration_and_the_entries_as_they_were()
    {
        DirectoryCache engine = NewEngine();
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
        DirectoryCache engine = NewEngine();

        CacheConfiguration configuration = engine.GetConfiguration(Log);

        Assert.True(configuration.IsDefault);
        Assert.Contains(Log.Warnings, warning => warning.Contains(SettingsFile, StringComparison.Ordinal));
        Assert.True(File.Exists(AsidePathOf(SettingsFile)));
        Assert.False(File.Exists(SettingsFile));
    }
}
