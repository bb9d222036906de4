using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The few file operations persistence needs. A seam so tests can inject full disks, failing renames and
/// read-only directories without touching the machine.
/// </summary>
internal interface ICacheFileSystem
{
    bool FileExists(string path);

    /// <summary>Creates the directory (and parents); on Unix a directory this call creates is owner-only (0700).</summary>
    void CreateDirectory(string path);

    /// <summary>Length and last write time, without opening the file; a missing file has a default signature.</summary>
    FileSignature GetSignature(string path);

    byte[] ReadAllBytes(string path);

    /// <summary>Creates a new file exclusively (never follows or reuses an existing name), owner-only on Unix.</summary>
    Stream CreateNew(string path);

    /// <summary>Pushes the stream's bytes through to the disk (fsync / FlushFileBuffers).</summary>
    void FlushToDisk(Stream stream);

    /// <summary>Atomically and durably puts <paramref name="source"/> in place of <paramref name="destination"/>, which may exist.</summary>
    void Replace(string source, string destination);

    /// <summary>Renames without overwriting; fails if <paramref name="destination"/> exists.</summary>
    void Move(string source, string destination);

    void Delete(string path);

    IEnumerable<string> EnumerateFiles(string directory, string searchPattern);

    /// <summary>Opens (creating if needed, owner-only on Unix) a file to read and write in place: the journal.</summary>
    Stream OpenReadWrite(string path);

    /// <summary>Opens the lock file with an exclusive OS lock; throws <see cref="IOException"/> while another holder has it.</summary>
    Stream OpenExclusive(string path);
}
