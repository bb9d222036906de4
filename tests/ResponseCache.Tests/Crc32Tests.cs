using System.Text;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests;

public sealed class Crc32Tests
{
    // CRC-32/ISO-HDLC's published check value, the one zlib.crc32 gives: journal lines written here verify elsewhere.
    [Fact]
    public void The_checksum_of_123456789_is_the_published_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void The_checksum_of_nothing_is_zero()
    {
        Assert.Equal(0u, Crc32.Compute(default));
    }
}
