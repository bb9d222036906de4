using System;

namespace ResponseCache.Core.Persistence;

/// <summary>What a stat tells about a file: enough to notice another process's write without reading it.</summary>
internal readonly struct FileSignature : IEquatable<FileSignature>
{
    public static readonly FileSignature Missing = default;

    public FileSignature(long length, long lastWriteTicksUtc)
    {
        Exists = true;
        Length = length;
        LastWriteTicksUtc = lastWriteTicksUtc;
    }

    public bool Exists { get; }

    public long Length { get; }

    public long LastWriteTicksUtc { get; }

    public bool Equals(FileSignature other) =>
        Exists == other.Exists && Length == other.Length && LastWriteTicksUtc == other.LastWriteTicksUtc;

    public override bool Equals(object? obj) => obj is FileSignature other && Equals(other);

    public override int GetHashCode() => Length.GetHashCode() ^ LastWriteTicksUtc.GetHashCode();

    public static bool operator ==(FileSignature left, FileSignature right) => left.Equals(right);

    public static bool operator !=(FileSignature left, FileSignature right) => !left.Equals(right);
}
