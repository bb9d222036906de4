using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Reads the start of a file without the OS lock .NET takes on every open on Unix (flock LOCK_SH, which fails while
/// a writer holds LOCK_EX and would make that writer retry): plain open(2) and read(2), of a regular file only
/// (<see cref="RegularFile"/>). On Windows a shared open; it fails while a writer holds the file share-none, which
/// callers treat as "unknown".
/// </summary>
internal static class UnlockedRead
{
    /// <summary>Bytes read into <paramref name="buffer"/> from the file's start; 0 when the file does not exist.</summary>
    public static int Read(string path, byte[] buffer)
    {
        if (Platform.IsWindows)
        {
            return ReadShared(path, buffer);
        }

        int descriptor;
        try
        {
            descriptor = RegularFile.OpenDescriptor(path, FileAccess.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException ex) when (!(ex is NotARegularFileException))
        {
            // A lock file this user may not read leaves the counters unknown, as any refusal does; a FIFO there is refused.
            throw new IOException(ex.Message, ex);
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
    private static extern nint read(int descriptor, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
}
