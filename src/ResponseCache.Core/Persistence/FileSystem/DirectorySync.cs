using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// fsync of a directory on Unix, so a rename into it survives power loss, not just a killed process.
/// .NET has no API for it. Windows needs none: NTFS journals the rename itself.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (Platform.IsWindows)
        {
            return;
        }

        // Best effort: the file itself is already on the disk; a directory that cannot be opened or synced
        // (some network file systems) only loses the power-loss guarantee for the rename.
        int descriptor = open(directory, ReadOnly);
        if (descriptor < 0)
        {
            return;
        }

        fsync(descriptor);
        close(descriptor);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int descriptor);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
}
