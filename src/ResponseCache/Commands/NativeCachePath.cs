using System;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace ResponseCache.Commands;

/// <summary>
/// The shortcut for a cache path that is already a full file system path, which PowerShell's provider resolution
/// would only hand back normalised. That resolution costs more than a whole cache hit, and every call pays it.
/// </summary>
internal static class NativeCachePath
{
    private static readonly bool s_isWindows = System.IO.Path.DirectorySeparatorChar == '\\';

    /// <summary>True when <paramref name="path"/> is fully qualified and means the same to .NET as to PowerShell.</summary>
    public static bool IsFullyQualified(string path, SessionState sessionState)
    {
        if (!s_isWindows)
        {
            return path.StartsWith("/", StringComparison.Ordinal);
        }

        if (path.StartsWith(@"\\", StringComparison.Ordinal))
        {
            return true;
        }

        // "X:\..." is the OS drive X only while the PowerShell drive X is the file system drive rooted there; a
        // New-PSDrive can give a letter another root, or another provider.
        if (path.Length < 3 || !char.IsLetter(path[0]) || path[1] != ':' || (path[2] != '\\' && path[2] != '/'))
        {
            return false;
        }

        PSDriveInfo drive;
        try
        {
            drive = sessionState.Drive.Get(path.Substring(0, 1));
        }
        catch (DriveNotFoundException)
        {
            return false;
        }

        return drive.Provider.ImplementingType == typeof(FileSystemProvider)
            && string.Equals(drive.Root.TrimEnd('\\', '/'), path.Substring(0, 2), StringComparison.OrdinalIgnoreCase);
    }
}
