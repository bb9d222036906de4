using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// What a stat tells about a file: enough to notice another process's write without reading it. The file's inode
/// where the platform gives it cheaply (Linux), else 0: a rename over the file changes it.
/// </summary>
internal readonly struct FileSignature : IEquatable<FileSignature>
{
    public static readonly FileSignature Missing = default;

    public FileSignature(long length, long lastWriteTicksUtc, long fileId = 0)
    {
        Exists = true;
        Length = length;
        LastWriteTicksUtc = lastWriteTicksUtc;
        FileId = fileId;
    }

    public bool Exists { get; }

    public long Length { get; }

    public long LastWriteTicksUtc { get; }

    public long FileId { get; }

    public bool Equals(FileSignature other) =>
        Exists == other.Exists && Length == other.Length && LastWriteTicksUtc == other.LastWriteTicksUtc && FileId == other.FileId;

    public override bool Equals(object? obj) => obj is FileSignature other && Equals(other);

    public override int GetHashCode() => Length.GetHashCode() ^ LastWriteTicksUtc.GetHashCode();

    public static bool operator ==(FileSignature left, FileSignature right) => left.Equals(right);

    public static bool operator !=(FileSignature left, FileSignature right) => !left.Equals(right);
}
