using System;
using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>The real disk.</summary>
internal sealed class PhysicalFileSystem : ICacheFileSystem
{
    // Another process creating or removing the file between the look and the open makes this one look again.
    private const int CreateAttempts = 3;

    private const int PrivateFileMode = 0x180;      // 0600
    private const int PrivateDirectoryMode = 0x1C0; // 0700
    private const int SharedFileMode = 0x1B0;       // 0660
    private const int SharedDirectoryMode = 0x1F8;  // 0770

    public static PhysicalFileSystem Instance { get; } = new PhysicalFileSystem();

    private PhysicalFileSystem()
    {
    }

    public bool FileExists(string path) => File.Exists(path);

    public void CreateDirectory(string path)
    {
        if (Platform.IsWindows)
        {
            Directory.CreateDirectory(path);
            return;
        }

        bool shared = SharedCacheDirectories.Includes(path);
        CreateWithMode.NewDirectory(path, shared ? SharedDirectoryMode : PrivateDirectoryMode, regardlessOfUmask: shared);
    }

    public void EnsureTrusted(string directory) => CacheDirectoryTrust.Ensure(directory);

    public FileSignature GetSignature(string path)
    {
        if (Platform.IsLinux && LinuxFileSignature.Of(path) is FileSignature signature)
        {
            return signature;
        }

        var info = new FileInfo(path);
        return info.Exists ? new FileSignature(info.Length, info.LastWriteTimeUtc.Ticks) : FileSignature.Missing;
    }

    // Shared with writers and renames: on Windows a reader without delete sharing makes the next snapshot replace fail.
    public byte[] ReadAllBytes(string path)
    {
        using Stream stream = OpenRead(path);
        var bytes = new byte[stream.Length];
        int read = StreamReading.ReadAtMost(stream, bytes);
        return read == bytes.Length ? bytes : bytes.AsSpan(0, read).ToArray();
    }

    public Stream OpenRead(string path) => Platform.IsWindows
        ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024)
        : RegularFile.Open(path, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IUnlockedReader OpenWithoutLocking(string path) => new UnlockedReader(path);

    // O_CREAT|O_EXCL never opens what is already there, so nothing planted at the name can block it.
    public Stream CreateNew(string path) => CreateExclusive(path, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024);

    public void FlushToDisk(Stream stream)
    {
        if (stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            stream.Flush();
        }
    }

    public void Replace(string source, string destination)
    {
        if (Platform.IsWindows)
        {
            WindowsFileReplace.Replace(source, destination);
            return;
        }

        // File.Move cannot overwrite on netstandard2.0; on Unix File.Replace is rename(2), atomic, but it needs an
        // existing destination.
        if (File.Exists(destination))
        {
            File.Replace(source, destination, destinationBackupFileName: null, ignoreMetadataErrors: true);
        }
        else
        {
            File.Move(source, destination);
        }

        DirectorySync.Flush(Path.GetDirectoryName(destination) ?? ".");
    }

    public void Move(string source, string destination) => File.Move(source, destination);

    public void Delete(string path) => File.Delete(path);

    public void CreateHardLink(string existing, string link) => HardLink.Create(existing, link);

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern) =>
        Directory.EnumerateFiles(directory, searchPattern);

    public Stream OpenReadWrite(string path) => OpenOrCreate(path, FileShare.ReadWrite, bufferSize: 64 * 1024);

    public Stream OpenExclusive(string path) => OpenOrCreate(path, FileShare.None, bufferSize: 1);

    private static Stream OpenOrCreate(string path, FileShare share, int bufferSize)
    {
        if (Platform.IsWindows)
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, bufferSize);
        }

        // Creating exclusively, it never opens what another process put there in the meantime: that is opened as any
        // existing file, on the next round.
        for (int attempt = 1; ; attempt++)
        {
            if (ExistsRefusingLinks(path))
            {
                try
                {
                    return RegularFile.Open(path, FileAccess.ReadWrite, share, bufferSize);
                }
                catch (FileNotFoundException) when (attempt < CreateAttempts)
                {
                    continue;
                }
            }

            try
            {
                return CreateExclusive(path, FileAccess.ReadWrite, share, bufferSize);
            }
            catch (IOException) when (attempt < CreateAttempts && File.Exists(path))
            {
                continue;
            }
        }
    }

    private static Stream CreateExclusive(string path, FileAccess access, FileShare share, int bufferSize)
    {
        if (Platform.IsWindows)
        {
            return new FileStream(path, FileMode.CreateNew, access, share, bufferSize);
        }

        bool shared = SharedCacheDirectories.Includes(Path.GetDirectoryName(path) ?? ".");
        return CreateWithMode.NewFile(path, access, share, bufferSize, shared ? SharedFileMode : PrivateFileMode, regardlessOfUmask: shared);
    }

    // The lock file and the journal have fixed names and are written in place (the journal is even truncated), so a
    // link planted there by someone who can write to the directory would aim those writes at another file. Only on
    // Unix: on Windows, placeholders of synced folders (OneDrive) are reparse points too, and creating a link needs
    // privileges there.
    private static bool ExistsRefusingLinks(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        if (!Platform.IsWindows && (info.Attributes & FileAttributes.ReparsePoint) != 0)
        {
            throw new UnauthorizedAccessException($"'{path}' is a symbolic link; the cache does not write through links.");
        }

        return true;
    }
}
