using System;
using System.IO;
using System.Linq;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cache directories the user shares with a group on purpose, listed in RESPONSECACHE_SHARED_PATHS (absolute
/// paths, separated as PATH is). In these, a group-writable directory or another owner is accepted and the files and
/// directories the cache creates are group-readable and -writable (0660, 0770); a directory writable by every user
/// without the sticky bit is refused even here. Only the directories named, not the ones below them.
/// </summary>
internal static class SharedCacheDirectories
{
    public const string Variable = "RESPONSECACHE_SHARED_PATHS";

    public static bool Includes(string directory)
    {
        string? listed = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(listed))
        {
            return false;
        }

        string wanted = Normalize(directory);
        return listed!.Split(Path.PathSeparator)
            .Select(entry => entry.Trim())
            .Where(entry => entry.Length > 0 && Path.IsPathRooted(entry))
            .Any(entry => string.Equals(Normalize(entry), wanted, Platform.HasCaseSensitivePaths ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase));
    }

    private static string Normalize(string directory)
    {
        string resolved = RealPath.Resolve(Path.GetFullPath(directory));
        string trimmed = resolved.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return trimmed.Length == 0 ? resolved : trimmed;
    }
}
