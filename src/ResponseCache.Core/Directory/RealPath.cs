using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Core;

/// <summary>
/// A directory's path with every symbolic link resolved (realpath(3)), so two spellings of one directory (/tmp and
/// /private/tmp on macOS) are one cache. A directory not created yet is resolved through its nearest existing parent.
/// On Windows the full path is returned as it is.
/// </summary>
internal static class RealPath
{
    public static string Resolve(string fullPath)
    {
        if (Platform.IsWindows)
        {
            return fullPath;
        }

        string existing = fullPath;
        string rest = string.Empty;
        while (!Directory.Exists(existing))
        {
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return fullPath;
            }

            rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
            existing = parent;
        }

        string? resolved = Unix(existing);
        return resolved is null ? fullPath : rest.Length == 0 ? resolved : Path.Combine(resolved, rest);
    }

    private static string? Unix(string path)
    {
        IntPtr resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringAnsi(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPStr)] string path, IntPtr resolvedPath);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
