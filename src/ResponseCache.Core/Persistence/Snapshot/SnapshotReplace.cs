using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Puts a finished, flushed temp snapshot in place of the cache file through the seam's one-shot
/// <see cref="ICacheFileSystem.Replace"/>, so the cache is never lost on the way:
/// a sharing violation (on Windows an antivirus scanner, an indexer or a reader without delete sharing holding the
/// file) is retried a few times with a short, growing pause; whatever fails, the temp file is deleted only while the
/// cache file exists. When the cache file is missing the temp file may be the only copy: it is moved into place
/// (never overwriting) or, failing that, kept.
/// </summary>
internal static class SnapshotReplace
{
    public const int Attempts = 6;

    private static readonly TimeSpan s_firstPause = TimeSpan.FromMilliseconds(5);

    private const int SharingViolation = 32;
    private const int LockViolation = 33;

    /// <param name="accessDeniedIsTransient">Windows reports a file held open without delete sharing as access denied.</param>
    /// <param name="pause">Waits between attempts (Thread.Sleep; tests record instead).</param>
    public static void Run(ICacheFileSystem fileSystem, string temp, string destination, bool accessDeniedIsTransient, Action<TimeSpan> pause)
    {
        TimeSpan wait = s_firstPause;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                fileSystem.Replace(temp, destination);
                return;
            }
            catch (Exception ex) when (attempt < Attempts && IsTransient(ex, accessDeniedIsTransient))
            {
                pause(wait);
                wait = TimeSpan.FromTicks(wait.Ticks * 2);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                if (fileSystem.FileExists(destination))
                {
                    TryDelete(fileSystem, temp);
                    throw;
                }

                if (TryMoveIntoPlace(fileSystem, temp, destination))
                {
                    return;
                }

                throw;
            }
        }
    }

    private static bool IsTransient(Exception ex, bool accessDeniedIsTransient) => ex switch
    {
        UnauthorizedAccessException => accessDeniedIsTransient,
        IOException io => (io.HResult & 0xFFFF) is SharingViolation or LockViolation,
        _ => false,
    };

    private static bool TryMoveIntoPlace(ICacheFileSystem fileSystem, string temp, string destination)
    {
        try
        {
            fileSystem.Move(temp, destination);
            return true;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return false;
        }
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
