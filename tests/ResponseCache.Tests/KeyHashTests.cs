using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class KeyHashTests : CacheTestBase
{
    // The expected values are Python hashlib's, the reference's own hash.
    [Theory]
    [InlineData("hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("gpt-4|Summarise|Ünïcödé text 😀", "bdc5e1c2122f91ddaf85742b1aa575cafbdcbcba8fb26d4a3dae25d86186496b")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("é", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")]
    [InlineData("café crème brûlée", "d663c5963b9478664afb0eac6d4c48d8160d3689b5a08a73154ee5bd1cbeb498")]
    [InlineData("😀", "f0443a342c5ef54783a111b51ba56c938e474c32324d90c3a60c9c8e3a37e2d9")]
    [InlineData("gpt-4|要約してください|日本語のテキスト", "c8b9b4dbb557f3141704ed900fdb3eb592245c0c1e6d2027384eb3427aef3bcb")]
    [InlineData("model|🎉 emoji 👩\u200d👩\u200d👧 family|中文 한국어 Ελληνικά", "10ada10aa37b9a5c59605fd61e5b4acc3683f8189f6e44bb82e9d3466f66d000")]
    public void A_key_hashes_to_the_lowercase_hex_sha256_of_its_utf8(string key, string expected)
    {
        Assert.Equal(expected, KeyHash.Compute(key).ToString());
    }

    [Fact]
    public void The_entry_name_in_the_file_is_the_key_hash()
    {
        DirectoryCache engine = NewEngine();

        engine.Set("naïve question 😀", Responses.Json("answer"), Policy());

        Assert.Equal(new[] { CacheFileContent.HashOf("naïve question 😀") }, CacheFileContent.Entries(CacheFile).Keys);
    }

    [Fact]
    public void Keys_differing_only_in_case_are_different_entries()
    {
        DirectoryCache engine = NewEngine();
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
        DirectoryCache engine = NewEngine();
        engine.Set("gpt-4|Summarise|some text", Responses.Json("summary"), Policy());

        Assert.Equal("summary", Responses.Text(engine.Get(CacheKeys.Compose("gpt-4", "Summarise", "some text"), Policy())));
        Assert.Null(engine.Get(CacheKeys.Compose("gpt-4", "Summarise", null), Policy()));
    }
}
