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

    /// <summary>What the settings file can suffer: each a way to lose the configuration without anyone configuring the cache.</summary>
    public static TheoryData<string> SettingsDamage => new()
    {
        "truncated", "empty", "garbage", "UTF-16", "an array", "null", "a negative cap", "a zero cap", "a fractional cap",
        "max_entries as text", "ttl_days as text", "a size cap of zero bytes", "a directory at its path", "deleted",
    };

    [Theory]
    [MemberData(nameof(SettingsDamage))]
    public void A_cache_whose_settings_are_damaged_keeps_its_last_good_configuration_and_says_so_once(string damage)
    {
        ConfiguredCache(entries: 300, maxEntries: 10000);
        Damage(damage);
        DirectoryCache engine = NewEngine();

        engine.Set("one more", Responses.Json("answer"), CachePolicy.Default, Log);
        engine.Set("and another", Responses.Json("answer"), CachePolicy.Default, Log);

        Assert.Equal(302, CacheFileContent.Entries(CacheFile).Count);
        Assert.Equal(10000, engine.GetConfiguration(Log).MaxEntries);
        string warning = Assert.Single(Log.Warnings);
        Assert.Contains(SettingsFile, warning, StringComparison.Ordinal);
        Assert.Contains("MaxEntries 10000", warning, StringComparison.Ordinal);
        Assert.Contains("Set-ResponseCacheConfiguration", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_damaged_after_this_process_read_them_keep_the_configuration_it_had()
    {
        DirectoryCache engine = ConfiguredCache(entries: 300, maxEntries: 10000);
        Damage("garbage");

        engine.Set("one more", Responses.Json("answer"), CachePolicy.Default, Log);

        Assert.Equal(301, CacheFileContent.Entries(CacheFile).Count);
        Assert.Contains(SettingsFile, Assert.Single(Log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuring_the_cache_again_repairs_damaged_settings()
    {
        ConfiguredCache(entries: 300, maxEntries: 10000);
        Damage("garbage");

        NewEngine().Configure(maxEntries: 10000, log: Log);
        var later = new RecordingLog();
        DirectoryCache engine = NewEngine();
        engine.Set("one more", Responses.Json("answer"), CachePolicy.Default, later);

        Assert.Equal(10000, JsonDocument.Parse(File.ReadAllBytes(SettingsFile)).RootElement.GetProperty("max_entries").GetInt32());
        Assert.Empty(later.Warnings);
        Assert.Equal(301, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void Damaged_settings_with_no_good_copy_evict_nothing_until_the_cache_is_configured_again()
    {
        // Settings written by an earlier build, which kept no copy, damaged before this one ever read them.
        ConfiguredCache(entries: 300, maxEntries: 10000);
        File.Delete(SettingsFile + ".last-good");
        Damage("garbage");
        DirectoryCache engine = NewEngine();

        engine.Set("one more", Responses.Json("answer"), CachePolicy.Default, Log);

        Assert.Equal(301, CacheFileContent.Entries(CacheFile).Count);
        string warning = Assert.Single(Log.Warnings);
        Assert.Contains(SettingsFile, warning, StringComparison.Ordinal);
        Assert.Contains("Set-ResponseCacheConfiguration", warning, StringComparison.Ordinal);
        Assert.True(File.Exists(SettingsFile), "The damaged settings stay in place, so every process knows the configuration is lost.");

        engine.Configure(maxEntries: 200, log: Log);
        Assert.Equal(200, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void Damaged_settings_with_no_good_copy_expire_nothing_as_the_cache_s_ttl_is_not_known()
    {
        DirectoryCache engine = NewEngine();
        engine.Configure(ttlDays: 30);
        engine.Set("old", Responses.Json("answer"), CachePolicy.Default);
        File.Delete(SettingsFile + ".last-good");
        Damage("garbage");
        Clock.Advance(TimeSpan.FromDays(10));
        DirectoryCache later = NewEngine();

        Assert.Null(later.Get("old", CachePolicy.Default, Log));
        Assert.Equal(0, later.RemoveExpired(CachePolicy.Default, Log));

        Assert.Single(CacheFileContent.Entries(CacheFile));
        Assert.Contains(SettingsFile, Assert.Single(Log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_an_earlier_build_wrote_get_a_good_copy_on_the_next_change()
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(SettingsFile, "{\"max_entries\": 10000, \"ttl_days\": 7}");
        NewEngine().SetMany(Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, byte[]>($"key {i}", Responses.Json("answer"))).ToList(), CachePolicy.Default);
        Damage("deleted");

        NewEngine().Set("one more", Responses.Json("answer"), CachePolicy.Default, Log);

        Assert.Equal(301, CacheFileContent.Entries(CacheFile).Count);
        Assert.Contains(SettingsFile, Assert.Single(Log.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10000.0")]
    [InlineData("1e4")]
    [InlineData("1E+4")]
    [InlineData("100e2")]
    [InlineData("10000.000")]
    public void Whole_numbers_are_read_in_any_form_json_writes_them(string number)
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(SettingsFile, $"{{\"max_entries\": {number}, \"max_bytes\": 5.24288e7, \"ttl_days\": 7}}");

        CacheConfiguration configuration = NewEngine().GetConfiguration(Log);

        Assert.Equal((10000, (double?)50), (configuration.MaxEntries, configuration.MaxSizeMB));
        Assert.Empty(Log.Warnings);
    }

    private DirectoryCache ConfiguredCache(int entries, int maxEntries)
    {
        DirectoryCache engine = NewEngine();
        engine.Configure(maxEntries: maxEntries);
        engine.SetMany(Enumerable.Range(0, entries).Select(i => new KeyValuePair<string, byte[]>($"key {i}", Responses.Json("answer"))).ToList(), CachePolicy.Default);
        Assert.Equal(entries, CacheFileContent.Entries(CacheFile).Count);
        return engine;
    }

    private void Damage(string damage)
    {
        byte[] sound = File.ReadAllBytes(SettingsFile);
        File.Delete(SettingsFile);
        switch (damage)
        {
            case "truncated": File.WriteAllBytes(SettingsFile, sound.Take(sound.Length / 2).ToArray()); break;
            case "empty": File.WriteAllBytes(SettingsFile, Array.Empty<byte>()); break;
            case "garbage": File.WriteAllBytes(SettingsFile, new byte[] { 0x00, 0xFF, 0xFE, (byte)'}', (byte)'{' }); break;
            case "UTF-16": File.WriteAllText(SettingsFile, System.Text.Encoding.UTF8.GetString(sound), System.Text.Encoding.Unicode); break;
            case "an array": File.WriteAllText(SettingsFile, "[]"); break;
            case "null": File.WriteAllText(SettingsFile, "null"); break;
            case "a negative cap": File.WriteAllText(SettingsFile, "{\"max_entries\": -5, \"ttl_days\": 7}"); break;
            case "a zero cap": File.WriteAllText(SettingsFile, "{\"max_entries\": 0, \"ttl_days\": 7}"); break;
            case "a fractional cap": File.WriteAllText(SettingsFile, "{\"max_entries\": 10000.5, \"ttl_days\": 7}"); break;
            case "max_entries as text": File.WriteAllText(SettingsFile, "{\"max_entries\": \"abc\", \"ttl_days\": 7}"); break;
            case "ttl_days as text": File.WriteAllText(SettingsFile, "{\"max_entries\": 10000, \"ttl_days\": \"7\"}"); break;
            case "a size cap of zero bytes": File.WriteAllText(SettingsFile, "{\"max_entries\": 10000, \"max_bytes\": 0, \"ttl_days\": 7}"); break;
            case "a directory at its path": Directory.CreateDirectory(SettingsFile); break;
            case "deleted": break;
            default: throw new ArgumentOutOfRangeException(nameof(damage), damage, "No such damage.");
        }
    }
}
