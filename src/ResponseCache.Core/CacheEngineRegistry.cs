using System;
using System.Collections.Concurrent;
using System.IO;

namespace ResponseCache.Core;

/// <summary>One engine per cache directory per process, shared by every runspace and thread.</summary>
public static class CacheEngineRegistry
{
    private static readonly StringComparer s_pathComparer =
        Platform.HasCaseSensitivePaths ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private static readonly ConcurrentDictionary<string, ResponseCacheEngine> s_engines =
        new ConcurrentDictionary<string, ResponseCacheEngine>(s_pathComparer);

    /// <summary>The engine for a full directory path, created on first use.</summary>
    public static ResponseCacheEngine GetOrCreate(string directory)
    {
        string key = Normalize(directory);
        return s_engines.GetOrAdd(key, path => new ResponseCacheEngine(path));
    }

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

    private static string Normalize(string directory)
    {
        string full = Path.GetFullPath(directory);
        string trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
    }
}
