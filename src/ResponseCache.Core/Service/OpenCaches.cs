using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ResponseCache.Core;

/// <summary>
/// Every cache this process has open, of every kind, shared by every runspace and thread: one engine per cache
/// directory (known by its real path), one backend per cache of another kind (a Redis namespace, known by the
/// identity its backend gives it), and the connections those backends share.
/// </summary>
public static class OpenCaches
{
    public const string LockTimeoutVariable = "RESPONSECACHE_LOCK_TIMEOUT_SECONDS";

    /// <summary>Seconds after a journaled change until the journal is folded into ai_responses.json; negative: never.</summary>
    public const string FoldDelayVariable = "RESPONSECACHE_FOLD_DELAY_SECONDS";

    private static readonly StringComparer s_pathComparer =
        Platform.HasCaseSensitivePaths ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    // Lock-free: every call of every cmdlet on a directory looks its engine up.
    private static readonly ConcurrentDictionary<string, DirectoryCache> s_engines =
        new ConcurrentDictionary<string, DirectoryCache>(s_pathComparer);

    // Each spelling of a path is resolved once: resolving walks every component of it, and every call looks its engine up.
    private static readonly ConcurrentDictionary<string, string> s_realPaths =
        new ConcurrentDictionary<string, string>(s_pathComparer);

    private static readonly object s_gate = new object();
    private static readonly Dictionary<string, ICacheBackend> s_backends = new Dictionary<string, ICacheBackend>(StringComparer.Ordinal);
    private static readonly Dictionary<string, IDisposable> s_connections = new Dictionary<string, IDisposable>(StringComparer.Ordinal);

    /// <summary>The engine for a full directory path, created on first use.</summary>
    public static DirectoryCache OpenDirectory(string directory)
    {
        string key = Normalize(directory);
        return s_engines.GetOrAdd(key, path => new DirectoryCache(path, OptionsFromEnvironment()));
    }

    /// <summary>The engine of a directory this process already uses, without creating one.</summary>
    public static DirectoryCache? FindDirectory(string directory) =>
        s_engines.TryGetValue(Normalize(directory), out DirectoryCache? engine) ? engine : null;

    /// <summary>
    /// The cache known by <paramref name="identity"/>, opened by <paramref name="open"/> on first use, which may take
    /// its connection from <see cref="GetOrConnect"/>. The identity may hold a secret: it is never shown.
    /// </summary>
    public static ICacheBackend GetOrOpen(string identity, Func<ICacheBackend> open)
    {
        lock (s_gate)
        {
            if (!s_backends.TryGetValue(identity, out ICacheBackend? backend))
            {
                backend = open();
                s_backends.Add(identity, backend);
            }

            return backend;
        }
    }

    /// <summary>The connection to a server that its caches share, opened on first use; <see cref="CloseAll"/> disposes it.</summary>
    public static TConnection GetOrConnect<TConnection>(string identity, Func<TConnection> connect)
        where TConnection : class, IDisposable
    {
        lock (s_gate)
        {
            if (!s_connections.TryGetValue(identity, out IDisposable? connection))
            {
                connection = connect();
                s_connections.Add(identity, connection);
            }

            return (TConnection)connection;
        }
    }

    /// <summary>Writes what every open cache holds only in memory; for process exit, so it never throws for a busy cache.</summary>
    public static void FlushAll(ICacheLog? log = null)
    {
        foreach (ICacheBackend cache in Snapshot())
        {
            Flush(cache, log);
        }
    }

    /// <summary>
    /// Flushes every open cache, then disposes the caches and the connections they share and forgets them all, so a
    /// later use opens them anew; for module removal, so it never throws for a busy cache.
    /// </summary>
    public static void CloseAll(ICacheLog? log = null)
    {
        List<ICacheBackend> caches;
        List<IDisposable> connections;
        lock (s_gate)
        {
            caches = Snapshot();
            connections = s_connections.Values.ToList();
            s_engines.Clear();
            s_backends.Clear();
            s_connections.Clear();
        }

        foreach (ICacheBackend cache in caches)
        {
            Flush(cache, log);
            (cache as IDisposable)?.Dispose();
        }

        foreach (IDisposable connection in connections)
        {
            connection.Dispose();
        }
    }

    private static List<ICacheBackend> Snapshot()
    {
        lock (s_gate)
        {
            return s_engines.Values.Cast<ICacheBackend>().Concat(s_backends.Values).ToList();
        }
    }

    private static void Flush(ICacheBackend cache, ICacheLog? log)
    {
        try
        {
            cache.Flush(log ?? NullCacheLog.Instance);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is TimeoutException)
        {
            log?.Warning($"Access times for '{cache.Location}' were not written: {ex.Message}");
        }
    }

    /// <summary>
    /// RESPONSECACHE_LOCK_TIMEOUT_SECONDS lets a job wait longer (or a test shorter) than the default for the lock;
    /// RESPONSECACHE_FOLD_DELAY_SECONDS sets <see cref="DirectoryCacheOptions.FoldDelay"/>.
    /// </summary>
    private static DirectoryCacheOptions OptionsFromEnvironment()
    {
        var options = new DirectoryCacheOptions();
        string? timeout = Environment.GetEnvironmentVariable(LockTimeoutVariable);
        if (double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= int.MaxValue)
        {
            options.LockTimeout = TimeSpan.FromSeconds(seconds);
        }

        // A negative delay turns folding off, as before it existed: the journal then stays until it outgrows a quarter of the snapshot.
        string? foldDelay = Environment.GetEnvironmentVariable(FoldDelayVariable);
        if (double.TryParse(foldDelay, NumberStyles.Float, CultureInfo.InvariantCulture, out double foldSeconds) && foldSeconds <= int.MaxValue)
        {
            options.FoldDelay = foldSeconds < 0 ? null : TimeSpan.FromSeconds(foldSeconds);
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
