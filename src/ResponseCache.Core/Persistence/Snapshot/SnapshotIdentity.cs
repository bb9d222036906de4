using System;
using System.IO.Hashing;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Which snapshot a journal extends: the snapshot's length and the XxHash64 of its bytes. A program that rewrites
/// ai_responses.json without the lock (the Python reference) changes it, so its rewrite is told from ours. Every load
/// of a large cache hashes the whole file, so the hash is the fastest sound one at hand (about 15 times CRC-32's speed).
/// </summary>
internal readonly struct SnapshotIdentity : IEquatable<SnapshotIdentity>
{
    public SnapshotIdentity(long length, ulong hash)
    {
        Length = length;
        Hash = hash;
    }

    public long Length { get; }

    public ulong Hash { get; }

    public static SnapshotIdentity Of(ReadOnlySpan<byte> bytes) => new SnapshotIdentity(bytes.Length, XxHash64.HashToUInt64(bytes));

    public bool Equals(SnapshotIdentity other) => Length == other.Length && Hash == other.Hash;

    public override bool Equals(object? obj) => obj is SnapshotIdentity other && Equals(other);

    public override int GetHashCode() => Length.GetHashCode() ^ Hash.GetHashCode();

    public static bool operator ==(SnapshotIdentity left, SnapshotIdentity right) => left.Equals(right);

    public static bool operator !=(SnapshotIdentity left, SnapshotIdentity right) => !left.Equals(right);
}
