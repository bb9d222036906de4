using System;
using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json, in the reference's format: read with salvage, written by atomic replace, kept aside when damaged.
/// Callers hold the cache's lock to write; reads need none.
/// </summary>
internal sealed class SnapshotFile
{
    public const string CacheFileName = "ai_responses.json";

    private readonly ICacheFileSystem _fileSystem;

    public SnapshotFile(string directory, ICacheFileSystem fileSystem)
    {
        Directory = directory;
        CacheFilePath = Path.Combine(directory, CacheFileName);
        _fileSystem = fileSystem;
        ModuleCopy = new ModuleSnapshotFile(CacheFilePath, fileSystem);
    }

    /// <summary>The last snapshot <see cref="Save"/> put in place, under a second name.</summary>
    public ModuleSnapshotFile ModuleCopy { get; }

    public string Directory { get; }

    public string CacheFilePath { get; }

    public FileSignature Probe() => _fileSystem.GetSignature(CacheFilePath);

    /// <summary>The entries, and the identity a journal started on this snapshot names. Needs no lock: the file is only ever replaced whole.</summary>
    public (SnapshotContent Content, SnapshotIdentity Identity) Load()
    {
        if (!_fileSystem.FileExists(CacheFilePath))
        {
            return (SnapshotContent.Empty, SnapshotIdentity.Of(ReadOnlySpan<byte>.Empty));
        }

        byte[] bytes;
        try
        {
            bytes = FileOperation.Run(CacheFilePath, "read the cache file", () => _fileSystem.ReadAllBytes(CacheFilePath));
        }
        catch (CacheStorageException ex) when (ex.InnerException is FileNotFoundException)
        {
            // Renamed away between the check and the read (a tool that deletes before it writes).
            return (SnapshotContent.Empty, SnapshotIdentity.Of(ReadOnlySpan<byte>.Empty));
        }

        return (SnapshotReader.Read(bytes), IdentityOf(bytes));
    }

    // A byte order mark an editor added changes nothing the journal depends on: the identity leaves it out.
    public static SnapshotIdentity IdentityOf(byte[] bytes) =>
        SnapshotIdentity.Of(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? bytes.AsSpan(3) : bytes);

    /// <summary>
    /// The file on disk is still the one read: the same stat and, since a rewrite within one tick of the file
    /// system's clock can keep both size and time, the same bytes.
    /// </summary>
    private bool IsStill(FileSignature signature, SnapshotIdentity identity)
    {
        if (Probe() != signature)
        {
            return false;
        }

        if (!signature.Exists)
        {
            return true;
        }

        try
        {
            return IdentityOf(_fileSystem.ReadAllBytes(CacheFilePath)) == identity;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Moves a damaged cache file out of the way, never overwriting anything; returns where it went.</summary>
    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, CacheFilePath, now);

    /// <summary>
    /// Writes every entry to a temp file beside the cache file and puts it in place (<see cref="AtomicFile"/>):
    /// whatever fails, the old file stays whole. Just before the rename, the cache file must still be the one the
    /// entries were read from (<paramref name="readFrom"/>, its stat and identity): a program that takes no lock may have
    /// rewritten it meanwhile, and then nothing is written and null is returned, for the caller to merge again.
    /// Null <paramref name="readFrom"/> replaces whatever is there. The new snapshot is also kept as
    /// <see cref="ModuleCopy"/> before it is put in place. Returns the new snapshot's identity and stat.
    /// </summary>
    public (SnapshotIdentity Identity, FileSignature Written)? Save(IEnumerable<CacheEntry> entriesOldestFirst, (FileSignature Stat, SnapshotIdentity Identity)? readFrom)
    {
        SnapshotIdentity? identity = null;
        FileSignature written = default;
        bool replaced = AtomicFile.Write(_fileSystem, CacheFilePath, "cache file", stream =>
        {
            var checksumming = new ChecksummingStream(stream);
            SnapshotWriter.Write(checksumming, entriesOldestFirst);
            identity = checksumming.Identity;
        }, tempPath =>
        {
            // A rename keeps the file's size and time, so this is what a later stat of the cache file finds.
            written = _fileSystem.GetSignature(tempPath);
            if (readFrom is (FileSignature, SnapshotIdentity) read && !IsStill(read.Item1, read.Item2))
            {
                return false;
            }

            ModuleCopy.Keep(tempPath);
            return true;
        });
        return replaced ? (identity!.Value, written) : null;
    }

    /// <summary>Deletes temp files a killed writer left behind. Only safe while holding the lock: no live writer has one then.</summary>
    public void RemoveAbandonedTempFiles() => AtomicFile.RemoveAbandoned(_fileSystem, CacheFilePath);
}
