using ResponseCache.Redis;
using StackExchange.Redis;

namespace ResponseCache.Tests.Redis;

/// <summary>What a user writes after -ConnectionString, read without a server.</summary>
public sealed class RedisConnectionStringTests
{
    private static readonly TimeSpan s_default = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan s_changes = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_plain_string_gets_a_short_lookup_timeout_a_longer_one_for_changes_and_never_blocks_on_connecting()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("cache01:6380,ssl=true", null, null, s_default, s_changes);

        Assert.Equal((1000, 1000, 30000, false), (options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout, options.AbortOnConnectFail));
        Assert.Equal("rediss://cache01:6380", RedisConnectionString.Describe(options));
    }

    /// <summary>Location, in statistics, listings and messages, names the port the client dials.</summary>
    [Theory]
    [InlineData("localhost", "redis://localhost:6379")]
    [InlineData("localhost,connectTimeout=100", "redis://localhost:6379")]
    [InlineData("cache01,ssl=true", "rediss://cache01:6380")]
    [InlineData("redis://cache01", "redis://cache01:6379")]
    public void A_server_given_without_a_port_is_shown_with_the_default_port(string connectionString, string shown)
    {
        ConfigurationOptions options = RedisConnectionString.Parse(connectionString, null, null, s_default, s_changes);

        Assert.Equal(shown, RedisConnectionString.Describe(options));
    }

    [Theory]
    [InlineData("cache01:6380,password=Leak1,Leak2-Part")]
    [InlineData("cache01:6380,password=Leak1,Leak2=Part")]
    [InlineData("cache01:6380,password=Leak1,ssl=Leak2-Part")]
    [InlineData("password=Leak1,Leak2-Part,cache01:6380")]
    public void A_password_holding_a_comma_is_refused_without_showing_any_of_it(string connectionString)
    {
        // Issue 22, item 6: StackExchange.Redis ends a password at the first comma (it has no quoting), and the tail
        // became a second server name, or a keyword its error quoted, in every output stream.
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(connectionString, null, null, s_default, s_changes));

        Assert.DoesNotContain("Leak1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Leak2", error.Message, StringComparison.Ordinal);
        Assert.Contains("-Credential", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pa=ss")]
    [InlineData("p@ss")]
    [InlineData("pa:ss")]
    [InlineData("pa%ss")]
    [InlineData("pa ss word")]
    public void A_password_holding_equals_at_colon_percent_or_spaces_is_read_whole_and_never_shown(string password)
    {
        ConfigurationOptions options = RedisConnectionString.Parse("cache01:6380,password=" + password + ",ssl=true", null, null, s_default, s_changes);

        Assert.Equal((password, true), (options.Password, options.Ssl));
        Assert.Equal("rediss://cache01:6380", RedisConnectionString.Describe(options));
    }

    [Fact]
    public void A_comma_in_a_password_can_be_given_percent_encoded_in_a_uri()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("redis://:Leak1%2CLeak2-Part@cache01:6380", null, null, s_default, s_changes);

        Assert.Equal("Leak1,Leak2-Part", options.Password);
        Assert.Equal("redis://cache01:6380", RedisConnectionString.Describe(options));
    }

    [Fact]
    public void Timeouts_the_string_names_win_over_the_default()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("cache01:6380,syncTimeout=5000,connectTimeout=3000", null, null, s_default, s_changes);

        Assert.Equal((3000, 5000, 30000), (options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout));
    }

    [Fact]
    public void A_rediss_uri_gives_tls_user_password_and_database_and_its_location_shows_neither_secret()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("rediss://jobs:p%40ss%3Aword@cache01:6380/2", null, null, s_default, s_changes);

        Assert.Equal((true, "jobs", "p@ss:word", 2), (options.Ssl, options.User, options.Password, options.DefaultDatabase));
        Assert.Equal("rediss://cache01:6380/2", RedisConnectionString.Describe(options));
    }

    [Fact]
    public void A_credential_overrides_the_user_and_password_of_the_string()
    {
        ConfigurationOptions options = RedisConnectionString.Parse("cache01,user=old,password=old", "jobs", "new", s_default, s_changes);

        Assert.Equal(("jobs", "new"), (options.User, options.Password));
    }

    [Theory]
    [InlineData("cache01,password=hunter2,nosuchoption=1")]
    [InlineData("redis://:hunter2@cache01:6379/not-a-number")]
    [InlineData("   ")]
    public void A_string_that_cannot_be_read_is_an_argument_error_that_never_quotes_the_password(string connectionString)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(connectionString, null, null, s_default, s_changes));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:99999")]
    [InlineData("cache01:70000,password=hunter2")]
    public void A_port_out_of_range_says_so_instead_of_the_runtime_s_bare_out_of_range_message(string connectionString)
    {
        // A user trial: "Specified argument was out of the range of valid values." named neither the port nor its range.
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(connectionString, null, null, s_default, s_changes));

        Assert.Contains("a port is 1 to 65535", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Specified argument", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
