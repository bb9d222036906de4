using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// What the lock file keeps: the generation (bumped after every write), the epoch (bumped when the journal starts
/// over) and the identity of the last snapshot this module wrote, which tells another program's rewrite from a
/// module process's. Equal counters, read before and after looking at the files, mean no write finished meanwhile.
/// </summary>
internal readonly struct LockCounters : IEquatable<LockCounters>
{
    public const int Size = 4 * sizeof(long);

    public LockCounters(long generation, long epoch, SnapshotIdentity snapshot = default)
    {
        Generation = generation;
        Epoch = epoch;
        Snapshot = snapshot;
    }

    public long Generation { get; }

    public long Epoch { get; }

    /// <summary>The snapshot the module last wrote; default (zero length and hash) when no writer recorded one yet.</summary>
    public SnapshotIdentity Snapshot { get; }

    /// <summary>
    /// The snapshot <paramref name="identity"/> names was written by another program: the module recorded one of its
    /// own and this is not it. False while none is recorded, as by writers before this field.
    /// </summary>
    public bool IsForeign(SnapshotIdentity identity) => Snapshot != default && identity != Snapshot;

    /// <summary>Little-endian: generation, epoch, snapshot length, snapshot hash; a short or missing file reads as zeros.</summary>
    public static LockCounters Parse(byte[] bytes, int length) => new LockCounters(
        ReadInt64(bytes, 0, length),
        ReadInt64(bytes, 1, length),
        new SnapshotIdentity(ReadInt64(bytes, 2, length), unchecked((ulong)ReadInt64(bytes, 3, length))));

    public void WriteTo(byte[] buffer)
    {
        WriteInt64(buffer, 0, Generation);
        WriteInt64(buffer, 1, Epoch);
        WriteInt64(buffer, 2, Snapshot.Length);
        WriteInt64(buffer, 3, unchecked((long)Snapshot.Hash));
    }

    public bool Equals(LockCounters other) => Generation == other.Generation && Epoch == other.Epoch && Snapshot == other.Snapshot;

    public override bool Equals(object? obj) => obj is LockCounters other && Equals(other);

    public override int GetHashCode() => Generation.GetHashCode() ^ (Epoch.GetHashCode() << 1);

    public static bool operator ==(LockCounters left, LockCounters right) => left.Equals(right);

    public static bool operator !=(LockCounters left, LockCounters right) => !left.Equals(right);

    private static long ReadInt64(byte[] bytes, int index, int length)
    {
        long value = 0;
        for (int i = sizeof(long) - 1; i >= 0; i--)
        {
            int position = (index * sizeof(long)) + i;
            value = (value << 8) | (position < length ? bytes[position] : 0L);
        }

        return value;
    }

    private static void WriteInt64(byte[] buffer, int index, long value)
    {
        for (int i = 0; i < sizeof(long); i++)
        {
            buffer[(index * sizeof(long)) + i] = (byte)(value >> (8 * i));
        }
    }
}
