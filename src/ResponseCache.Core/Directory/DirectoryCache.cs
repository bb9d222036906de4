using System;
using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>
/// A cache in a directory: the cache's rules (<see cref="CacheService"/>) over the directory's store, shared by every
/// thread of the process (see <see cref="OpenCaches"/> for one per directory). Its processes coordinate
/// through the directory's lock file; a get-or-add runs once per key per process.
/// </summary>
public sealed class DirectoryCache : CacheService
{
    public DirectoryCache(string directory, DirectoryCacheOptions? options = null)
        : this(options ?? new DirectoryCacheOptions(), directory)
    {
    }

    private DirectoryCache(DirectoryCacheOptions options, string directory)
        : base(OpenStore(directory, options), NoProducerLock.Instance, options.Clock, options.ProducerWaitTimeout)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string CacheFilePath => DirectoryStore.Location;

    /// <summary>Where the cache's configuration is kept.</summary>
    public string SettingsFilePath => DirectoryStore.SettingsFilePath;

    /// <summary>The warning a removal gives where no cache exists: nothing there to remove, and nothing created.</summary>
    public static string NothingToRemove(string directory) => $"There is no cache in '{directory}': nothing was removed, and nothing was created there.";

    /// <summary>Whether the directory holds a cache: entries on disk, or a configuration. Looking creates nothing.</summary>
    public bool Exists => DirectoryStore.Exists;

    private DirectoryStore DirectoryStore => (DirectoryStore)Store;

    /// <summary>How many sets wait for a write to take them; for tests that must know a set is queued.</summary>
    internal int QueuedWrites => DirectoryStore.QueuedWrites;

    /// <summary>Stores one response, checked to be one JSON value within the depth limit, and evicts least recently used entries beyond the cache's caps.</summary>
    public void Set(string key, byte[] responseJson, CachePolicy policy, ICacheLog? log = null)
    {
        if (responseJson is not null)
        {
            ResponseJson.EnsureSingleValue(responseJson, nameof(responseJson));
        }

        SetMany(new[] { new KeyValuePair<string, byte[]>(key, responseJson!) }, policy, log);
    }

    /// <summary>Removes one entry; false when there was none.</summary>
    public bool Remove(string key, ICacheLog? log = null) => RemoveMany(new[] { KeyHash.Compute(key) }, log) == 1;

    /// <summary>Writes the access times of hits that are still only in memory, if the lock is free; else the next change does.</summary>
    public void FlushAccessTimes(ICacheLog? log = null) => Flush(log);

    private static DirectoryStore OpenStore(string directory, DirectoryCacheOptions options)
    {
        if (string.IsNullOrEmpty(directory))
        {
            throw new ArgumentException("The cache directory must be given.", nameof(directory));
        }

        return new DirectoryStore(directory, options);
    }
}
