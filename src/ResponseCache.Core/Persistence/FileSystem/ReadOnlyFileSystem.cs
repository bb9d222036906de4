using System;
using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The real disk as a user without write permission sees it: reads pass, every write is refused. A cache opened on
/// it only looks (tab completion): it creates no directory or lock file, and writes no access times or repairs.
/// </summary>
internal sealed class ReadOnlyFileSystem : ICacheFileSystem
{
    private readonly ICacheFileSystem _disk = PhysicalFileSystem.Instance;

    public static ReadOnlyFileSystem Instance { get; } = new ReadOnlyFileSystem();

    private ReadOnlyFileSystem()
    {
    }

    public bool FileExists(string path) => _disk.FileExists(path);

    public bool DirectoryExists(string path) => _disk.DirectoryExists(path);

    public FileSignature GetSignature(string path) => _disk.GetSignature(path);

    public byte[] ReadAllBytes(string path) => _disk.ReadAllBytes(path);

    public Stream OpenRead(string path) => _disk.OpenRead(path);

    public IUnlockedReader OpenWithoutLocking(string path) => _disk.OpenWithoutLocking(path);

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern) => _disk.EnumerateFiles(directory, searchPattern);

    public void CreateDirectory(string path) => throw Denied(path);

    public void EnsureTrusted(string directory) => _disk.EnsureTrusted(directory);

    public Stream CreateNew(string path) => throw Denied(path);

    public void FlushToDisk(Stream stream) => throw Denied("a stream");

    public void Replace(string source, string destination) => throw Denied(destination);

    public void Move(string source, string destination) => throw Denied(destination);

    public void Delete(string path) => throw Denied(path);

    public void CreateHardLink(string existing, string link) => throw Denied(link);

    public Stream OpenReadWrite(string path) => throw Denied(path);

    public Stream OpenExclusive(string path) => throw Denied(path);

    private static UnauthorizedAccessException Denied(string path) => new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
}
