using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The two counters the lock file keeps: the generation (bumped after every write) and the epoch (bumped when the
/// journal starts over). Equal counters, read before and after looking at the files, mean no write finished meanwhile.
/// </summary>
internal readonly struct LockCounters : IEquatable<LockCounters>
{
    public const int Size = 2 * sizeof(long);

    public LockCounters(long generation, long epoch)
    {
        Generation = generation;
        Epoch = epoch;
    }

    public long Generation { get; }

    public long Epoch { get; }

    /// <summary>Little-endian, generation first; a short or missing file reads as zeros.</summary>
    public static LockCounters Parse(byte[] bytes, int length) => new LockCounters(ReadInt64(bytes, 0, length), ReadInt64(bytes, 1, length));

    public void WriteTo(byte[] buffer)
    {
        WriteInt64(buffer, 0, Generation);
        WriteInt64(buffer, 1, Epoch);
    }

    public bool Equals(LockCounters other) => Generation == other.Generation && Epoch == other.Epoch;

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
