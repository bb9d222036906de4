using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Opens the cache's files on Unix so that nothing planted at their names can block: open(2) of a FIFO waits for a
/// writer, and reads of a FIFO or a terminal wait for data, forever. The name is opened with O_NONBLOCK, which never
/// waits, and the descriptor must be seekable, which only regular files (and block devices, which only root can
/// create) are; anything else is refused with a <see cref="NotARegularFileException"/>. A regular file is then
/// reopened through its descriptor (/proc/self/fd/N, /dev/fd/N on macOS): the same file, even if the name has been
/// swapped since, opened by FileStream, which keeps its own locking (on .NET flock LOCK_EX non-blocking for
/// FileShare.None, LOCK_SH otherwise; Mono's share checks), the contention <see cref="FileLock"/> relies on. Mono
/// cannot wrap a descriptor it did not open, so FileStream(SafeFileHandle) is not an option.
/// </summary>
internal static class RegularFile
{
    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int ReadWrite = 2;
    private const int SeekCurrent = 1;

    private const int NoPermission = 1;
    private const int NoSuchFile = 2;
    private const int NoSuchDeviceOrAddress = 6; // open(2) of a socket, or of a FIFO for writing that no one reads
    private const int AccessDenied = 13;
    private const int NotADirectory = 20;
    private const int IsADirectory = 21;

    // The same on x64 and arm64 Linux; macOS has its own.
    private static readonly int s_noBlockAndCloseOnExec = Platform.IsMacOS ? 0x4 | 0x1000000 : 0x800 | 0x80000;
    private static readonly string s_descriptorDirectory = Platform.IsMacOS ? "/dev/fd/" : "/proc/self/fd/";

    /// <summary>Opens an existing regular file; a missing one throws <see cref="FileNotFoundException"/>.</summary>
    public static FileStream Open(string path, FileAccess access, FileShare share, int bufferSize) =>
        Reopen(OpenDescriptor(path, access), path, access, share, bufferSize);

    /// <summary>A FileStream on the file <paramref name="descriptor"/> has open, which this closes.</summary>
    public static FileStream Reopen(int descriptor, string path, FileAccess access, FileShare share, int bufferSize)
    {
        string reopenPath = s_descriptorDirectory + descriptor;
        try
        {
            // On macOS the reopen duplicates the descriptor, O_NONBLOCK included: regular files ignore it.
            return new FileStream(reopenPath, FileMode.Open, access, share, bufferSize);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            // Contention ("being used by another process") must name the cache's file, not the descriptor.
            throw new IOException(ex.Message.Replace(reopenPath, path), ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            // The file is there (the descriptor is open): only a missing /proc gets here, and taking that for a
            // missing file would make a write start the cache over.
            throw new IOException($"Could not open '{path}' through '{reopenPath}': {ex.Message}", ex);
        }
        finally
        {
            close(descriptor);
        }
    }

    /// <summary>A descriptor of an existing regular file, for plain read(2); the caller closes it.</summary>
    public static int OpenDescriptor(string path, FileAccess access)
    {
        int flags = access switch
        {
            FileAccess.Read => ReadOnly,
            FileAccess.Write => WriteOnly,
            _ => ReadWrite,
        };
        int descriptor = open(path, flags | s_noBlockAndCloseOnExec);
        if (descriptor < 0)
        {
            throw OpenFailure(path, Marshal.GetLastWin32Error());
        }

        if (lseek(descriptor, 0, SeekCurrent) < 0)
        {
            close(descriptor);
            throw NotRegular(path);
        }

        return descriptor;
    }

    private static Exception OpenFailure(string path, int error) => error switch
    {
        NoSuchFile => new FileNotFoundException($"Could not find file '{path}'.", path),
        NotADirectory => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        NoPermission or AccessDenied or IsADirectory => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        NoSuchDeviceOrAddress => NotRegular(path),
        _ => new IOException($"Could not open '{path}' (errno {error})."),
    };

    private static NotARegularFileException NotRegular(string path) => new(path);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint lseek(int descriptor, nint offset, int whence);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
}
