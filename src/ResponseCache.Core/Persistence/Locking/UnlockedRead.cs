using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Reads the start of a file without the OS lock .NET takes on every open on Unix (flock LOCK_SH, which fails while
/// a writer holds LOCK_EX and would make that writer retry): plain open(2) and read(2). On Windows a shared open;
/// it fails while a writer holds the file share-none, which callers treat as "unknown".
/// </summary>
internal static class UnlockedRead
{
    private const int ReadOnly = 0;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    /// <summary>Bytes read into <paramref name="buffer"/> from the file's start; 0 when the file does not exist.</summary>
    public static int Read(string path, byte[] buffer)
    {
        if (Platform.IsWindows)
        {
            return ReadShared(path, buffer);
        }

        int descriptor = open(path, ReadOnly);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastWin32Error();
            if (error == NoSuchFile || error == NotADirectory)
            {
                return 0;
            }

            throw new IOException($"Could not open '{path}' (errno {error}).");
        }

        try
        {
            long count = read(descriptor, buffer, (nint)buffer.Length);
            return count < 0 ? throw new IOException($"Could not read '{path}' (errno {Marshal.GetLastWin32Error()}).") : (int)count;
        }
        finally
        {
            close(descriptor);
        }
    }

    private static int ReadShared(string path, byte[] buffer)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            return StreamReading.ReadAtMost(stream, buffer);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            return 0;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int descriptor, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
}
