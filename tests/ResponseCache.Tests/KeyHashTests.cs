using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class KeyHashTests : CacheTestBase
{
    [Theory]
    [InlineData("hello")]
    [InlineData("gpt-4|Summarise|Ünïcödé text 😀")]
    [InlineData("")]
    [InlineData("é")]
    [InlineData("café crème brûlée")]
    [InlineData("😀")]
    [InlineData("gpt-4|要約してください|日本語のテキスト")]
    [InlineData("model|🎉 emoji 👩‍👩‍👧 family|中文 한국어 Ελληνικά")]
    public void A_key_hashes_to_the_lowercase_hex_sha256_of_its_utf8(string key)
    {
        Assert.Equal(CacheFileContent.HashOf(key), KeyHash.Compute(key).ToString());
    }

    [Fact]
    public void The_entry_name_in_the_file_is_the_key_hash()
    {
        ResponseCacheEngine engine = NewEngine();

        engine.Set("naïve question 😀", Responses.Json("answer"), Policy());

        Assert.Equal(new[] { CacheFileContent.HashOf("naïve question 😀") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void Keys_differing_only_in_case_are_different_entries()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("Question", Responses.Json("upper"), Policy());
        engine.Set("question", Responses.Json("lower"), Policy());

        Assert.Equal("upper", Responses.Text(engine.Get("Question", Policy())));
        Assert.Equal("lower", Responses.Text(engine.Get("question", Policy())));
    }

    [Fact]
    public void An_entry_named_in_uppercase_hex_by_another_tool_is_found()
    {
        string name = CacheFileContent.HashOf("question").ToUpperInvariant();
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(CacheFile, $"{{\"{name}\": {CacheFileContent.EntryJson("\"answer\"", Clock.UnixSeconds, Clock.UnixSeconds)}}}");

        Assert.Equal("answer", Responses.Text(NewEngine().Get("question", Policy())));
    }

    [Fact]
    public void A_composed_key_finds_what_the_same_literal_key_stored()
    {
        ResponseCacheEngine engine = NewEngine();
        engine.Set("gpt-4|Summarise|some text", Responses.Json("summary"), Policy());

        Assert.Equal("summary", Responses.Text(engine.Get(CacheKeys.Compose("gpt-4", "Summarise", "some text"), Policy())));
        Assert.Null(engine.Get(CacheKeys.Compose("gpt-4", "Summarise", null), Policy()));
    }
}
