using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Whole-file writes that either land completely or not at all: a new, exclusively created temp file in the same
/// directory ("&lt;target&gt;.&lt;16 hex&gt;.tmp"), pushed to the disk, then put in place by <see cref="SnapshotReplace"/>,
/// which never loses the target on the way. Callers hold the cache's lock.
/// </summary>
internal static class AtomicFile
{
    private const string TempSuffix = ".tmp";
    private const int RandomNameLength = 16;

    /// <summary>Whatever fails, the old file stays whole; failures name the target and say where the new bytes are.</summary>
    /// <param name="mayReplace">
    /// Asked with the finished temp file's path just before it is put in place; false deletes it and leaves the
    /// target as it is. Then Write returns false.
    /// </param>
    public static bool Write(ICacheFileSystem fileSystem, string path, string description, Action<Stream> write, Func<string, bool>? mayReplace = null)
    {
        string tempPath = path + "." + RandomName() + TempSuffix;
        try
        {
            using (Stream stream = fileSystem.CreateNew(tempPath))
            {
                write(stream);
                fileSystem.FlushToDisk(stream);
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            TryDelete(fileSystem, tempPath);
            throw new CacheStorageException($"Could not write the {description} '{path}': {ex.Message} The file on disk is unchanged.", path, ex);
        }

        if (mayReplace is not null && !mayReplace(tempPath))
        {
            TryDelete(fileSystem, tempPath);
            return false;
        }

        try
        {
            SnapshotReplace.Run(fileSystem, tempPath, path, accessDeniedIsTransient: Platform.IsWindows, Thread.Sleep);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // A directory in the file's place fails every write the same way: its temp files would only pile up.
            if (fileSystem.DirectoryExists(path))
            {
                TryDelete(fileSystem, tempPath);
                throw new CacheStorageException($"Could not write the {description} '{path}': a directory is in its place. Move it away; nothing was written.", path, ex);
            }

            string outcome = fileSystem.FileExists(tempPath)
                ? $"The new file was kept as '{tempPath}'."
                : "The file on disk is unchanged.";
            throw new CacheStorageException($"Could not write the {description} '{path}': {ex.Message} {outcome}", path, ex);
        }

        return true;
    }

    /// <summary>
    /// Deletes temp files a killed writer of <paramref name="path"/> left behind. Only safe under the lock: no live
    /// writer has one then. Never while <paramref name="path"/> is missing: a temp file may then be the only copy.
    /// </summary>
    public static void RemoveAbandoned(ICacheFileSystem fileSystem, string path)
    {
        string fileName = Path.GetFileName(path);
        try
        {
            if (!fileSystem.FileExists(path))
            {
                return;
            }

            foreach (string leftover in fileSystem.EnumerateFiles(Path.GetDirectoryName(path) ?? ".", fileName + ".*" + TempSuffix))
            {
                // Only names of this shape are ours: the reference's own "ai_responses.json.tmp" is not ours to delete.
                if (Path.GetFileName(leftover).Length == fileName.Length + 1 + RandomNameLength + TempSuffix.Length)
                {
                    TryDelete(fileSystem, leftover);
                }
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Leftovers cost only disk space; they are tried again on the next load.
        }
    }

    private static string RandomName()
    {
        byte[] bytes = new byte[RandomNameLength / 2];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
    }

    private static void TryDelete(ICacheFileSystem fileSystem, string path)
    {
        try
        {
            fileSystem.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // A leftover temp file is removed by the next load.
        }
    }
}
