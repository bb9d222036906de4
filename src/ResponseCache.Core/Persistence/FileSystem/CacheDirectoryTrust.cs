using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// What ssh asks of ~/.ssh, asked of the cache directory and every directory above it: whoever can write to one of
/// them can replace the cache's files (or the directory itself) and so choose the responses this user is served. Each
/// must be owned by this user or root and writable by no one else, unless its sticky bit is set (as on /tmp), which
/// keeps others from renaming or deleting what they do not own. A directory in RESPONSECACHE_SHARED_PATHS, and the
/// ones above it, may also be group-writable and owned by another user (see <see cref="SharedCacheDirectories"/>).
/// Nothing is checked on Windows, where the profile directory's ACL already restricts access.
/// </summary>
internal static class CacheDirectoryTrust
{
    private const uint Root = 0;

    /// <summary>Throws <see cref="CacheDirectoryNotPrivateException"/> for an existing directory others could write.</summary>
    public static void Ensure(string directory)
    {
        if (Platform.IsWindows)
        {
            return;
        }

        bool shared = SharedCacheDirectories.Includes(directory);
        uint user = UnixFileStatus.CurrentUser;
        string resolved = RealPath.Resolve(Path.GetFullPath(directory));
        string? level = resolved;
        for (; !string.IsNullOrEmpty(level); level = Path.GetDirectoryName(level))
        {
            if (UnixFileStatus.Of(level!) is not UnixFileStatus status)
            {
                continue;
            }

            if (Problem(status, user, shared, level!, isCacheDirectory: level == resolved) is (string why, string fix))
            {
                throw new CacheDirectoryNotPrivateException(directory, level!, why, fix);
            }
        }
    }

    private static (string Why, string Fix)? Problem(UnixFileStatus status, uint user, bool shared, string level, bool isCacheDirectory)
    {
        string mode = Convert.ToString(status.Mode, 8).PadLeft(4, '0');
        bool sticky = (status.Mode & UnixFileStatus.Sticky) != 0;
        string narrow = shared ? $"chmod o-w '{level}'" : isCacheDirectory ? $"chmod 700 '{level}'" : $"chmod go-w '{level}'";
        if ((status.Mode & UnixFileStatus.OthersWrite) != 0 && !sticky)
        {
            return ($"'{level}' is writable by every user (mode {mode}) and has no sticky bit", narrow);
        }

        if (shared)
        {
            return null;
        }

        if ((status.Mode & UnixFileStatus.GroupWrite) != 0 && !sticky)
        {
            return ($"'{level}' is writable by its group (mode {mode})", narrow);
        }

        if (status.Owner != user && status.Owner != Root)
        {
            return ($"'{level}' is owned by another user (uid {status.Owner})", $"use a directory of your own (-Path, or RESPONSECACHE_PATH), or have it given to you (chown {user} '{level}')");
        }

        return null;
    }
}
