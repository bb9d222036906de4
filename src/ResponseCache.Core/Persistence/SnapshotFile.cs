using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json, in the reference's format: read with salvage, written by atomic replace, kept aside when damaged.
/// Callers hold the cache's lock.
/// </summary>
internal sealed class SnapshotFile
{
    public const string CacheFileName = "ai_responses.json";

    private const string TempSuffix = ".tmp";

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

    /// <summary>
    /// Writes every entry to a new, exclusively created temp file in the same directory, pushes it to the disk,
    /// then renames it over the cache file. Whatever fails, the old file stays whole.
    /// </summary>
    public void Save(IEnumerable<CacheEntry> entriesOldestFirst)
    {
        string tempPath = CacheFilePath + "." + RandomName() + TempSuffix;
        try
        {
            using (Stream stream = _fileSystem.CreateNew(tempPath))
            {
                SnapshotWriter.Write(stream, entriesOldestFirst);
                _fileSystem.FlushToDisk(stream);
            }

            _fileSystem.Replace(tempPath, CacheFilePath);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            TryDelete(tempPath);
            throw new CacheStorageException($"Could not write the cache file '{CacheFilePath}': {ex.Message} The cache on disk is unchanged.", CacheFilePath, ex);
        }
    }

    /// <summary>Deletes temp files a killed writer left behind. Only safe while holding the lock: no live writer has one then.</summary>
    public void RemoveAbandonedTempFiles()
    {
        try
        {
            foreach (string path in _fileSystem.EnumerateFiles(Directory, CacheFileName + ".*" + TempSuffix))
            {
                if (IsOurTempName(Path.GetFileName(path)))
                {
                    TryDelete(path);
                }
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Leftovers cost only disk space; they are tried again on the next load.
        }
    }

    // Ours are "ai_responses.json.<16 hex>.tmp"; the reference's own "ai_responses.json.tmp" is not ours to delete.
    private static bool IsOurTempName(string fileName) =>
        fileName.Length == CacheFileName.Length + 1 + 16 + TempSuffix.Length;

    private static string RandomName()
    {
        byte[] bytes = new byte[8];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
    }

    private void TryDelete(string path)
    {
        try
        {
            _fileSystem.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // A leftover temp file is removed by the next load.
        }
    }
}
