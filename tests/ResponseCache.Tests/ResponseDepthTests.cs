using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>How deeply nested a response may be: written as deep as ConvertTo-Json can write, read as deep as earlier builds wrote.</summary>
public sealed class ResponseDepthTests : CacheTestBase
{
    [Fact]
    public void A_response_nested_to_the_limit_is_stored_and_read_back_by_another_instance()
    {
        NewEngine().Set("deep", Responses.Nested(SnapshotLimits.MaxResponseDepth), Policy());

        Assert.Equal(Responses.Nested(SnapshotLimits.MaxResponseDepth), NewEngine().Get("deep", Policy()));
    }

    [Fact]
    public void A_response_nested_beyond_the_limit_is_refused_before_anything_is_written()
    {
        DirectoryCache engine = NewEngine();

        Assert.Throws<ArgumentException>(() => engine.Set("deep", Responses.Nested(SnapshotLimits.MaxResponseDepth + 1), Policy()));

        Assert.False(File.Exists(CacheFile));
    }

    [Fact]
    public void A_stored_response_deeper_than_the_write_limit_but_within_the_read_limit_still_reads_back()
    {
        byte[] deep = Responses.Nested(SnapshotLimits.MaxReadableDepth);
        Directory.CreateDirectory(CacheDirectory);
        CacheFileContent.Write(CacheFile, ("deep", CacheFileContent.EntryJson(System.Text.Encoding.UTF8.GetString(deep), 1_700_000_000, 1_700_000_000)));

        Assert.Equal(deep, NewEngine().Get("deep", Policy(ttlDays: 100_000)));
    }

    [Fact]
    public void A_response_that_is_not_one_json_value_is_refused()
    {
        DirectoryCache engine = NewEngine();

        Assert.Throws<ArgumentException>(() => engine.Set("two values", "1 2"u8.ToArray(), Policy()));
        Assert.Throws<ArgumentException>(() => engine.Set("broken", "{\"a\":"u8.ToArray(), Policy()));
    }
}
