using System;
using System.Collections.Generic;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json, in the reference's format: read with salvage, written by atomic replace, kept aside when damaged.
/// Callers hold the cache's lock.
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
    }

    public string Directory { get; }

    public string CacheFilePath { get; }

    public FileSignature Probe() => _fileSystem.GetSignature(CacheFilePath);

    public SnapshotContent Load()
    {
        if (!_fileSystem.FileExists(CacheFilePath))
        {
            return SnapshotContent.Empty;
        }

        byte[] bytes = FileOperation.Run(CacheFilePath, "read the cache file", () => _fileSystem.ReadAllBytes(CacheFilePath));
        return SnapshotReader.Read(bytes);
    }

    /// <summary>Moves a damaged cache file out of the way, never overwriting anything; returns where it went.</summary>
    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, CacheFilePath, now);

    /// <summary>Writes every entry to a temp file beside the cache file and renames it over it: whatever fails, the old file stays whole.</summary>
    public void Save(IEnumerable<CacheEntry> entriesOldestFirst) =>
        AtomicFile.Write(_fileSystem, CacheFilePath, "cache file", stream => SnapshotWriter.Write(stream, entriesOldestFirst));

    /// <summary>Deletes temp files a killed writer left behind. Only safe while holding the lock: no live writer has one then.</summary>
    public void RemoveAbandonedTempFiles() => AtomicFile.RemoveAbandoned(_fileSystem, CacheFilePath);
}
