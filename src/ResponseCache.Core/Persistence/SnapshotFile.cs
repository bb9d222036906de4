using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json, in the reference's format: read with salvage, written by atomic replace, kept aside when damaged.
/// Callers hold the cache's lock to write; reads need none.
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

        return (SnapshotReader.Read(bytes), SnapshotIdentity.Of(bytes));
    }

    /// <summary>Moves a damaged cache file out of the way, never overwriting anything; returns where it went.</summary>
    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, CacheFilePath, now);

    /// <summary>
    /// Writes every entry to a new, exclusively created temp file in the same directory, pushes it to the disk,
    /// then renames it over the cache file (<see cref="SnapshotReplace"/>). Whatever fails, the old file stays whole.
    /// Returns the new snapshot's identity.
    /// </summary>
    public SnapshotIdentity Save(IEnumerable<CacheEntry> entriesOldestFirst)
    {
        string tempPath = CacheFilePath + "." + RandomName() + TempSuffix;
        SnapshotIdentity identity;
        try
        {
            using (Stream stream = _fileSystem.CreateNew(tempPath))
            {
                var checksumming = new ChecksummingStream(stream);
                SnapshotWriter.Write(checksumming, entriesOldestFirst);
                _fileSystem.FlushToDisk(stream);
                identity = checksumming.Identity;
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            TryDelete(tempPath);
            throw new CacheStorageException($"Could not write the cache file '{CacheFilePath}': {ex.Message} The cache on disk is unchanged.", CacheFilePath, ex);
        }

        try
        {
            SnapshotReplace.Run(_fileSystem, tempPath, CacheFilePath, accessDeniedIsTransient: Platform.IsWindows, Thread.Sleep);
            return identity;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            string outcome = _fileSystem.FileExists(tempPath)
                ? $"The new cache file was kept as '{tempPath}'."
                : "The cache on disk is unchanged.";
            throw new CacheStorageException($"Could not write the cache file '{CacheFilePath}': {ex.Message} {outcome}", CacheFilePath, ex);
        }
    }

    /// <summary>
    /// Deletes temp files a killed writer left behind. Only safe while holding the lock: no live writer has one then.
    /// Never while the cache file is missing: a temp file may then be the only copy.
    /// </summary>
    public void RemoveAbandonedTempFiles()
    {
        try
        {
            if (!_fileSystem.FileExists(CacheFilePath))
            {
                return;
            }

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
