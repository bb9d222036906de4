using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The few file operations persistence needs. A seam so tests can inject full disks, failing renames and
/// read-only directories without touching the machine. Opens refuse a FIFO, socket or terminal at a name (only regular
/// files, and seekable devices only root can make, get through) with an <see cref="System.UnauthorizedAccessException"/>, never waiting on it.
/// </summary>
internal interface ICacheFileSystem
{
    bool FileExists(string path);

    /// <summary>
    /// Creates the directory (and parents); on Unix each level this call creates is made owner-only (0700; 0770 for a
    /// shared cache, see <see cref="SharedCacheDirectories"/>) by mkdir itself.
    /// </summary>
    void CreateDirectory(string path);

    /// <summary>Throws <see cref="CacheDirectoryNotPrivateException"/> when another user could write to the existing directory or one above it (see <see cref="CacheDirectoryTrust"/>).</summary>
    void EnsureTrusted(string directory);

    /// <summary>Length and last write time, without opening the file; a missing file has a default signature.</summary>
    FileSignature GetSignature(string path);

    byte[] ReadAllBytes(string path);

    /// <summary>Creates a new file exclusively (never follows or reuses an existing name), owner-only on Unix from its creation (0600; 0660 in a shared cache).</summary>
    Stream CreateNew(string path);

    /// <summary>Pushes the stream's bytes through to the disk (fsync / FlushFileBuffers).</summary>
    void FlushToDisk(Stream stream);

    /// <summary>
    /// One attempt to put <paramref name="source"/> in place of <paramref name="destination"/> (which may exist)
    /// atomically and durably, keeping the old file until the new one is in place. Retries and what to do when it
    /// fails are <see cref="SnapshotReplace"/>'s.
    /// </summary>
    void Replace(string source, string destination);

    /// <summary>Renames without overwriting; fails if <paramref name="destination"/> exists.</summary>
    void Move(string source, string destination);

    void Delete(string path);

    /// <summary>Gives <paramref name="existing"/> a second name; throws <see cref="IOException"/> where the file system has no hard links.</summary>
    void CreateHardLink(string existing, string link);

    IEnumerable<string> EnumerateFiles(string directory, string searchPattern);

    /// <summary>Opens (creating if needed, owner-only on Unix) a file to read and write in place: the journal.</summary>
    Stream OpenReadWrite(string path);

    /// <summary>Opens the lock file with an exclusive OS lock; throws <see cref="IOException"/> while another holder has it.</summary>
    Stream OpenExclusive(string path);

    bool DirectoryExists(string path);

    /// <summary>Opens an existing file to read, sharing it with writers, renames and deletes; never creates it.</summary>
    Stream OpenRead(string path);

    /// <summary>
    /// A reader of the file's first bytes that takes no OS lock and never waits for one (the lock file's counters,
    /// read on every hit); it opens the file when it first reads, and a missing file reads as empty.
    /// </summary>
    IUnlockedReader OpenWithoutLocking(string path);
}
