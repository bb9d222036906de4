using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

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

/// <summary>
/// The cache directory, or one above it, can be written by another user, who could then replace the cached responses;
/// nothing was read from or written to it.
/// </summary>
public sealed class CacheDirectoryNotPrivateException : System.Security.SecurityException
{
    public CacheDirectoryNotPrivateException(string directory, string level, string why, string fix)
        : base($"The cache directory '{directory}' is not used: {why}, so another user could replace the cached responses. " +
               $"To fix it: {fix}. To share a cache with a group on purpose, list the directory in RESPONSECACHE_SHARED_PATHS (see about_ResponseCache).")
    {
        Directory = directory;
        Level = level;
    }

    public string Directory { get; }

    /// <summary>The directory whose owner or mode is the problem: the cache directory or one above it.</summary>
    public string Level { get; }
}

/// <summary>Neither an explicit path, RESPONSECACHE_PATH nor a home directory says where the cache lives.</summary>
public sealed class CacheHomeNotFoundException : InvalidOperationException
{
    public CacheHomeNotFoundException(string message)
        : base(message)
    {
    }
}

/// <summary>A get-or-add for a key was called from inside the producer of the same key, which would wait for itself.</summary>
public sealed class ReentrantGetOrAddException : InvalidOperationException
{
    internal ReentrantGetOrAddException(KeyHash key)
        : base($"The response for key {key.ToShortString()} is being produced by this same caller: a get-or-add for a key cannot run inside the producer of that key.")
    {
    }
}

/// <summary>Another caller's producer for the same key ran longer than the engine waits for it.</summary>
public sealed class ProducerWaitTimeoutException : TimeoutException
{
    public ProducerWaitTimeoutException(KeyHash key, TimeSpan timeout)
        : base($"Another caller has been producing the response for key {key.ToShortString()} for more than {timeout.TotalSeconds:0.###} s; stopped waiting for it.")
    {
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }
}

/// <summary>The cache's server could not be reached (or answered too late); nothing was changed by this call.</summary>
public sealed class CacheUnavailableException : IOException
{
    public CacheUnavailableException(string location, string reason, Exception? innerException = null, bool authenticationFailed = false)
        : base($"The cache at {location} is not available: {reason}", innerException)
    {
        Location = location;
        AuthenticationFailed = authenticationFailed;
    }

    /// <summary>The server answered but refused the user name or password (or wanted one): waiting will not help.</summary>
    public bool AuthenticationFailed { get; }

    /// <summary>The cache's location, as <see cref="ICacheBackend.Location"/> gives it: never a password.</summary>
    public string Location { get; }
}

/// <summary>A key, a key's part or a namespace that is not valid Unicode text (see <see cref="UnicodeText"/>).</summary>
public sealed class InvalidTextException : ArgumentException
{
    public InvalidTextException(string what, int index, char codeUnit)
        : base($"{what} is not valid Unicode text: character {index + 1:N0} is a lone surrogate (U+{(int)codeUnit:X4}), which has no UTF-8 form and would be stored as U+FFFD, the same as any other. Remove it, or complete the pair it was cut from.")
    {
        Index = index;
    }

    /// <summary>Where the lone surrogate is, counted in UTF-16 code units from 0.</summary>
    public int Index { get; }
}

/// <summary>A key hash prefix that more than one entry's hash starts with: it names no entry.</summary>
public sealed class AmbiguousKeyHashException : ArgumentException
{
    private const int MatchesShown = 10;

    public AmbiguousKeyHashException(KeyHashPrefix prefix, string location, IReadOnlyList<KeyHash> matches)
        : base(Describe(prefix, location, matches))
    {
        Matches = matches;
    }

    /// <summary>The hashes of every entry the prefix matches, least recently used first.</summary>
    public IReadOnlyList<KeyHash> Matches { get; }

    private static string Describe(KeyHashPrefix prefix, string location, IReadOnlyList<KeyHash> matches)
    {
        string shown = string.Join(", ", matches.Take(MatchesShown));
        string more = matches.Count > MatchesShown ? $", and {matches.Count - MatchesShown} more" : string.Empty;
        return $"The key hash '{prefix}' is the start of {matches.Count} entries' hashes in {location}: {shown}{more}. Give more of its digits, or the whole hash.";
    }
}
