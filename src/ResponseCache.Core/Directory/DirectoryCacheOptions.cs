using System;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>How an engine meets the world: its clock, its disk and its patience.</summary>
public sealed class DirectoryCacheOptions
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The reference writes access times from hits at most this often.</summary>
    public static readonly TimeSpan DefaultAccessFlushInterval = TimeSpan.FromSeconds(30);

    /// <summary>Long enough for a slow API call; a wait for another caller's producer of the same key ends here.</summary>
    public static readonly TimeSpan DefaultProducerWaitTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How long after a journaled change the journal is folded into ai_responses.json, for the Python reference to read.</summary>
    public static readonly TimeSpan DefaultFoldDelay = TimeSpan.FromSeconds(2);

    public IClock Clock { get; set; } = SystemClock.Instance;

    public TimeSpan LockTimeout { get; set; } = DefaultLockTimeout;

    public TimeSpan ProducerWaitTimeout { get; set; } = DefaultProducerWaitTimeout;

    public TimeSpan AccessFlushInterval { get; set; } = DefaultAccessFlushInterval;

    /// <summary>
    /// The journal is folded into ai_responses.json in the background this long after the first change it took since
    /// the last fold, and at process exit (<see cref="CacheService.Flush"/>). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
    /// folds only at exit; null never (the journal is then folded only once it outgrows a quarter of the snapshot).
    /// </summary>
    public TimeSpan? FoldDelay { get; set; } = DefaultFoldDelay;

    internal ICacheFileSystem FileSystem { get; set; } = PhysicalFileSystem.Instance;
}
