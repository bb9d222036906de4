using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Which snapshot a journal extends: the snapshot's length and the CRC-32 of its bytes. A program that rewrites
/// ai_responses.json without the lock (the Python reference) changes it, so its rewrite is told from ours.
/// </summary>
internal readonly struct SnapshotIdentity : IEquatable<SnapshotIdentity>
{
    public SnapshotIdentity(long length, uint crc)
    {
        Length = length;
        Crc = crc;
    }

    public long Length { get; }

    public uint Crc { get; }

    public static SnapshotIdentity Of(ReadOnlySpan<byte> bytes) => new SnapshotIdentity(bytes.Length, Crc32.Compute(bytes));

    public bool Equals(SnapshotIdentity other) => Length == other.Length && Crc == other.Crc;

    public override bool Equals(object? obj) => obj is SnapshotIdentity other && Equals(other);

    public override int GetHashCode() => Length.GetHashCode() ^ (int)Crc;

    public static bool operator ==(SnapshotIdentity left, SnapshotIdentity right) => left.Equals(right);

    public static bool operator !=(SnapshotIdentity left, SnapshotIdentity right) => !left.Equals(right);
}
