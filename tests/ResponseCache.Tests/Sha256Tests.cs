using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void The_NIST_example_messages_give_their_published_digests(string message, string expectedHex)
    {
        Assert.Equal(expectedHex, HexOf(Encoding.ASCII.GetBytes(message)));
    }

    [Fact]
    public void One_million_a_gives_its_published_digest()
    {
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", HexOf(message));
    }

    [Fact]
    public void Every_length_up_to_300_bytes_matches_the_platform_sha256()
    {
        byte[] data = RandomBytes(new Random(256), 300);

        for (int length = 0; length <= data.Length; length++)
        {
            byte[] message = data.Take(length).ToArray();
            Assert.True(
                CacheFileContent.PlatformSha256Hex(message) == HexOf(message),
                $"The digest of {length} bytes differs from the platform's.");
        }
    }

    [Fact]
    public void Random_messages_up_to_8_KB_match_the_platform_sha256()
    {
        var random = new Random(1804);

        for (int i = 0; i < 200; i++)
        {
            byte[] message = RandomBytes(random, random.Next(8 * 1024 + 1));
            Assert.Equal(CacheFileContent.PlatformSha256Hex(message), HexOf(message));
        }
    }

    [Fact]
    public void The_digest_fills_the_first_32_bytes_of_a_larger_destination_and_leaves_the_rest()
    {
        byte[] destination = new byte[40];
        destination.AsSpan().Fill(0xAA);

        Sha256.Hash("abc"u8, destination);

        Assert.Equal(CacheFileContent.PlatformSha256Hex("abc"u8.ToArray()), CacheFileContent.Hex(destination.Take(32).ToArray()));
        Assert.All(destination.Skip(32), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void A_destination_shorter_than_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Sha256.Hash("abc"u8, new byte[31]));
    }

    [Fact]
    public void Non_ascii_keys_across_block_boundaries_hash_as_the_platform_sha256_of_their_utf8()
    {
        string[] pieces = { "é", "😀", "語", "a" };
        var key = new StringBuilder();

        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(CacheFileContent.HashOf(key.ToString()), KeyHash.Compute(key.ToString()).ToString());
            key.Append(pieces[i % pieces.Length]);
        }
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(10_000)]
    public void Keys_short_and_long_hash_the_same_on_either_side_of_the_managed_limit(int utf8Length)
    {
        string key = "model|Summarize|" + new string('x', utf8Length - 18) + "é";

        Assert.Equal(utf8Length, Encoding.UTF8.GetByteCount(key));
        Assert.Equal(CacheFileContent.HashOf(key), KeyHash.Compute(key).ToString());
    }

    private static string HexOf(ReadOnlySpan<byte> message)
    {
        Span<byte> digest = stackalloc byte[Sha256.DigestLength];
        Sha256.Hash(message, digest);
        return CacheFileContent.Hex(digest.ToArray());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
