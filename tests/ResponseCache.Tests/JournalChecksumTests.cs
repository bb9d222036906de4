using System.Text;
using ResponseCache.Core;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests;

/// <summary>
/// The journal's checksum is zlib's CRC-32 (IEEE): journals already on disk, written when the engine computed it
/// itself, still verify, and a line written elsewhere verifies here.
/// </summary>
public sealed class JournalChecksumTests
{
    // Written by the engine's own CRC-32, before System.IO.Hashing computed it; Python's zlib.crc32 of each rec
    // value gives the same checksums. The first line names the snapshot it extends.
    private const string JournalOnDisk =
        "{\"crc\":\"64904f38\",\"rec\":{\"ops\":[{\"set\":\"1f5087db919ced5c123c7f507d3fcce818cb0cf6e77c2f95a8a35e951e03fdb9\",\"entry\":{\"response\":{\"answer\":\"yes\"},\"timestamp\":\"2024-05-01T12:00:00.000000\",\"created_at\":1714564800,\"last_accessed\":1714564800,\"text_length\":8}}],\"snapshot\":{\"length\":1234,\"xxh64\":\"0123456789abcdef\"}}}\n"
        + "{\"crc\":\"afd5805d\",\"rec\":{\"ops\":[{\"touch\":\"1f5087db919ced5c123c7f507d3fcce818cb0cf6e77c2f95a8a35e951e03fdb9\",\"at\":1714568400.5},{\"remove\":\"283bb9deef02e6843abfb538efa1eca70801bd8a701c3f98191e123496339247\"}]}}\n"
        + "{\"crc\":\"cf795e59\",\"rec\":{\"ops\":[{\"clear\":true}]}}\n";

    private static readonly KeyHash s_question = KeyHash.Compute("question");

    private static JournalContent Decode(string journal) => JournalCodec.Decode(Encoding.UTF8.GetBytes(journal));

    [Fact]
    public void A_journal_written_with_the_old_checksum_decodes_whole()
    {
        JournalContent content = Decode(JournalOnDisk);

        Assert.False(content.IsDamaged);
        Assert.Equal(Encoding.UTF8.GetByteCount(JournalOnDisk), content.ValidLength);
        Assert.Equal(0, content.DiscardedLength);
        Assert.Equal(new SnapshotIdentity(1234, 0x0123456789abcdefUL), content.Extends);
        Assert.Equal(new[] { JournalOpKind.Set, JournalOpKind.Touch, JournalOpKind.Remove, JournalOpKind.Clear }, content.Ops.Select(op => op.Kind).ToArray());
        Assert.Equal(s_question, content.Ops[0].Key);
        Assert.Equal("{\"answer\":\"yes\"}", Encoding.UTF8.GetString(content.Ops[0].Entry!.ResponseJson));
        Assert.Equal(1714568400.5, content.Ops[1].AccessedAt);
        Assert.Equal(KeyHash.Compute("gone"), content.Ops[2].Key);
    }

    [Fact]
    public void The_same_ops_encode_to_the_same_lines_with_the_same_checksums()
    {
        var entry = new CacheEntry(s_question, Encoding.UTF8.GetBytes("{\"answer\":\"yes\"}"))
        {
            Timestamp = "2024-05-01T12:00:00.000000",
            CreatedAt = 1714564800,
            LastAccessed = 1714564800,
            TextLength = 8,
        };

        byte[] encoded = JournalCodec.Encode(new[] { JournalOp.Set(entry) }, new SnapshotIdentity(1234, 0x0123456789abcdefUL))
            .Concat(JournalCodec.Encode(new[] { JournalOp.Touch(s_question, 1714568400.5), JournalOp.Remove(KeyHash.Compute("gone")) }))
            .Concat(JournalCodec.Encode(new[] { JournalOp.Clear() }))
            .ToArray();

        Assert.Equal(JournalOnDisk, Encoding.UTF8.GetString(encoded));
    }

    [Fact]
    public void A_line_whose_checksum_does_not_match_its_record_is_not_applied()
    {
        string changed = JournalOnDisk.Replace("\"at\":1714568400.5", "\"at\":1714568400.6");

        JournalContent content = Decode(changed);

        Assert.True(content.IsDamaged, "A bad line with a sound one after it is damage.");
        Assert.Equal(new[] { JournalOpKind.Set, JournalOpKind.Clear }, content.Ops.Select(op => op.Kind).ToArray());
    }
}
