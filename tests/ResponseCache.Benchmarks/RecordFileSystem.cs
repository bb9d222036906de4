using System.Collections.Generic;
using System.IO;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Benchmarks;

/// <summary>How ai_responses.json.module comes to be made, for <see cref="SharingRecordCost"/> to compare side by side.</summary>
internal enum ModuleRecord
{
    /// <summary>A hard link, as on ext4, NTFS, APFS: what the module ships.</summary>
    HardLink,

    /// <summary>A copy, as where the file system has no hard links (FAT, exFAT, most network shares): the link is refused.</summary>
    Copy,

    /// <summary>None at all: the link is taken as made but not made, so the write goes on with no record and no copy.</summary>
    None,
}

/// <summary>
/// The physical file system, with hard links refused (the module's own fallback, a copy, taken on this machine's disk,
/// which has hard links and no FAT volume to mount), or, for <see cref="ModuleRecord.None"/>, silently not made (the
/// record's cost taken away, and the record with it: the next load finds none).
/// </summary>
internal sealed class RecordFileSystem : ICacheFileSystem
{
    private readonly ICacheFileSystem _inner = PhysicalFileSystem.Instance;
    private readonly ModuleRecord _record;

    public RecordFileSystem(ModuleRecord record) => _record = record;

    public void CreateHardLink(string existing, string link)
    {
        switch (_record)
        {
            case ModuleRecord.HardLink:
                _inner.CreateHardLink(existing, link);
                break;
            case ModuleRecord.Copy:
                throw new IOException("This file system has no hard links.");
        }
    }

    public Stream CreateNew(string path) => _inner.CreateNew(path);

    public bool FileExists(string path) => _inner.FileExists(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public void EnsureTrusted(string directory) => _inner.EnsureTrusted(directory);

    public FileSignature GetSignature(string path) => _inner.GetSignature(path);

    public byte[] ReadAllBytes(string path) => _inner.ReadAllBytes(path);

    public void FlushToDisk(Stream stream) => _inner.FlushToDisk(stream);

    public void Replace(string source, string destination) => _inner.Replace(source, destination);

    public void Move(string source, string destination) => _inner.Move(source, destination);

    public void Delete(string path) => _inner.Delete(path);

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern) => _inner.EnumerateFiles(directory, searchPattern);

    public Stream OpenReadWrite(string path) => _inner.OpenReadWrite(path);

    public Stream OpenExclusive(string path) => _inner.OpenExclusive(path);

    public bool DirectoryExists(string path) => _inner.DirectoryExists(path);

    public Stream OpenRead(string path) => _inner.OpenRead(path);

    public int ReadWithoutLocking(string path, byte[] buffer) => _inner.ReadWithoutLocking(path, buffer);
}
