using System;
using System.IO;

namespace ResponseCache.Core;

/// <summary>The cache directory's lock stayed with another process or thread for longer than the lock timeout.</summary>
public sealed class CacheLockTimeoutException : TimeoutException
{
    public CacheLockTimeoutException(string lockPath, TimeSpan timeout, Exception? lastError)
        : base($"The cache lock '{lockPath}' was not obtained within {timeout.TotalSeconds:0.###} s: another process is using the cache.", lastError)
    {
        LockPath = lockPath;
    }

    public string LockPath { get; }
}

/// <summary>Reading or writing the cache failed; what was on disk before the call is intact.</summary>
public sealed class CacheStorageException : IOException
{
    public CacheStorageException(string message, string path, Exception innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>True when the operating system refused access, rather than the disk failing.</summary>
    public bool IsAccessDenied => InnerException is UnauthorizedAccessException;
}

/// <summary>Neither an explicit path, RESPONSECACHE_PATH nor a home directory says where the cache lives.</summary>
public sealed class CacheHomeNotFoundException : InvalidOperationException
{
    public CacheHomeNotFoundException(string message)
        : base(message)
    {
    }
}
