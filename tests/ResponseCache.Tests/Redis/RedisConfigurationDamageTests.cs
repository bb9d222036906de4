using ResponseCache.Core;
using ResponseCache.Redis;
using ResponseCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

/// <summary>A namespace's configuration hash changed by hand or lost: the namespace never shrinks for it.</summary>
public sealed class RedisConfigurationDamageTests : RedisTestBase
{
    public static TheoryData<string, string> ServersAndDamage
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string server in RedisTestServers.Names)
            {
                foreach (string damage in new[] { "max_entries abc", "max_entries -5", "max_entries 1.5", "max_bytes 0", "ttl_days abc", "deleted" })
                {
                    data.Add(server, damage);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> Servers => RedisServerData.All;

    [Theory]
    [MemberData(nameof(ServersAndDamage))]
    public void A_damaged_configuration_keeps_the_last_good_one_and_says_so_once(string server, string damage)
    {
        string ns = NewNamespace();
        RedisCache cache = ConfiguredNamespace(server, ns, entries: 300, maxEntries: 10000);
        Damage(Direct(server), ns, damage);
        var log = new RecordingLog();

        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("one more", Responses.Json("answer")) }, Default, log, CancellationToken.None);
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("another", Responses.Json("answer")) }, Default, log, CancellationToken.None);

        Assert.Equal(302, EntryKeysOnServer(Direct(server), ns));
        Assert.Equal(10000, cache.GetConfiguration(log).MaxEntries);
        string warning = Assert.Single(log.Warnings);
        Assert.Contains("rc:{" + ns + "}:config", warning, StringComparison.Ordinal);
        Assert.Contains("MaxEntries 10000", warning, StringComparison.Ordinal);
        Assert.Contains("Set-ResponseCacheConfiguration", warning, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Configuring_the_namespace_again_repairs_its_configuration(string server)
    {
        string ns = NewNamespace();
        RedisCache cache = ConfiguredNamespace(server, ns, entries: 3, maxEntries: 10000);
        Damage(Direct(server), ns, "max_entries abc");

        cache.Configure(10000, null, null, preview: false, NullCacheLog.Instance, CancellationToken.None);
        var log = new RecordingLog();
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("one more", Responses.Json("answer")) }, Default, log, CancellationToken.None);

        Assert.Equal("10000", (string?)Direct(server).HashGet("rc:{" + ns + "}:config", "max_entries"));
        Assert.Empty(log.Warnings);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_damaged_configuration_with_no_good_copy_evicts_nothing_until_configured_again(string server)
    {
        // A namespace configured by an earlier build, which kept no copy, damaged before this one wrote to it.
        string ns = NewNamespace();
        RedisCache cache = ConfiguredNamespace(server, ns, entries: 300, maxEntries: 10000);
        Direct(server).KeyDelete("rc:{" + ns + "}:config:last-good");
        Damage(Direct(server), ns, "max_entries abc");
        var log = new RecordingLog();

        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("one more", Responses.Json("answer")) }, Default, log, CancellationToken.None);

        Assert.Equal(301, EntryKeysOnServer(Direct(server), ns));
        Assert.Contains("No earlier configuration is known", Assert.Single(log.Warnings), StringComparison.Ordinal);
        cache.Configure(200, null, null, preview: false, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(200, EntryKeysOnServer(Direct(server), ns));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void A_configuration_an_earlier_build_wrote_gets_a_good_copy_on_the_next_change(string server)
    {
        string ns = NewNamespace();
        Direct(server).HashSet("rc:{" + ns + "}:config", new[] { new HashEntry("max_entries", "10000"), new HashEntry("ttl_days", "7") });
        RedisCache cache = Open(server, ns);
        cache.SetMany(Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, byte[]>($"key {i}", Responses.Json("answer"))).ToList(), Default, NullCacheLog.Instance, CancellationToken.None);
        Damage(Direct(server), ns, "deleted");
        var log = new RecordingLog();

        cache.SetMany(new[] { new KeyValuePair<string, byte[]>("one more", Responses.Json("answer")) }, Default, log, CancellationToken.None);

        Assert.Equal(301, EntryKeysOnServer(Direct(server), ns));
        Assert.Contains("MaxEntries 10000", Assert.Single(log.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public void Whole_numbers_in_any_form_are_read_as_such(string server)
    {
        string ns = NewNamespace();
        Direct(server).HashSet("rc:{" + ns + "}:config", new[] { new HashEntry("max_entries", "1e4"), new HashEntry("max_bytes", "5.24288e7") });
        var log = new RecordingLog();

        CacheConfiguration configuration = Open(server, ns).GetConfiguration(log);

        Assert.Equal((10000, (double?)50), (configuration.MaxEntries, configuration.MaxSizeMB));
        Assert.Empty(log.Warnings);
    }

    internal RedisCache ConfiguredNamespace(string server, string ns, int entries, int maxEntries)
    {
        RedisCache cache = Open(server, ns);
        cache.Configure(maxEntries, null, null, preview: false, NullCacheLog.Instance, CancellationToken.None);
        cache.SetMany(Enumerable.Range(0, entries).Select(i => new KeyValuePair<string, byte[]>($"key {i}", Responses.Json("answer"))).ToList(), Default, NullCacheLog.Instance, CancellationToken.None);
        Assert.Equal(entries, EntryKeysOnServer(Direct(server), ns));
        return cache;
    }

    private static void Damage(IDatabase direct, string ns, string damage)
    {
        string config = "rc:{" + ns + "}:config";
        if (damage == "deleted")
        {
            direct.KeyDelete(config);
            return;
        }

        string[] fieldAndValue = damage.Split(' ');
        direct.HashSet(config, fieldAndValue[0], fieldAndValue[1]);
    }
}
