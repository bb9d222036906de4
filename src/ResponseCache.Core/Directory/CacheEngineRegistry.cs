using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;

namespace ResponseCache.Core;

/// <summary>One engine per cache directory per process, shared by every runspace and thread; a directory is known by its real path.</summary>
public static class CacheEngineRegistry
{
    public const string LockTimeoutVariable = "RESPONSECACHE_LOCK_TIMEOUT_SECONDS";

    private static readonly StringComparer s_pathComparer =
        Platform.HasCaseSensitivePaths ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private static readonly ConcurrentDictionary<string, ResponseCacheEngine> s_engines =
        new ConcurrentDictionary<string, ResponseCacheEngine>(s_pathComparer);

    // Each spelling of a path is resolved once: resolving walks every component of it, and every call looks its engine up.
    private static readonly ConcurrentDictionary<string, string> s_realPaths =
        new ConcurrentDictionary<string, string>(s_pathComparer);

    /// <summary>The engine for a full directory path, created on first use.</summary>
    public static ResponseCacheEngine GetOrCreate(string directory)
    {
        string key = Normalize(directory);
        return s_engines.GetOrAdd(key, path => new ResponseCacheEngine(path, OptionsFromEnvironment()));
    }

    /// <summary>The engine of a directory this process already uses, without creating one.</summary>
    public static ResponseCacheEngine? Find(string directory) =>
        s_engines.TryGetValue(Normalize(directory), out ResponseCacheEngine? engine) ? engine : null;

    /// <summary>Writes pending access times of every engine; for module removal and process exit, so it never throws.</summary>
    public static void FlushAll(ICacheLog? log = null)
    {
        foreach (ResponseCacheEngine engine in s_engines.Values)
        {
            try
            {
                engine.FlushAccessTimes(log);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is TimeoutException)
            {
                log?.Warning($"Access times for '{engine.CacheFilePath}' were not written: {ex.Message}");
            }
        }
    }

    /// <summary>RESPONSECACHE_LOCK_TIMEOUT_SECONDS lets a job wait longer (or a test shorter) than the default for the lock.</summary>
    private static CacheEngineOptions OptionsFromEnvironment()
    {
        var options = new CacheEngineOptions();
        string? timeout = Environment.GetEnvironmentVariable(LockTimeoutVariable);
        if (double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= int.MaxValue)
        {
            options.LockTimeout = TimeSpan.FromSeconds(seconds);
        }

        return options;
    }

    private static string Normalize(string directory) =>
        s_realPaths.GetOrAdd(directory, path => Trim(RealPath.Resolve(Path.GetFullPath(path))));

    private static string Trim(string full)
    {
        string trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
    }
}
