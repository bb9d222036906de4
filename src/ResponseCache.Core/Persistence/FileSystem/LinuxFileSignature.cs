using System;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// A file's signature from one statx(2) call, which every hit asks of the snapshot: FileInfo costs an lstat, a stat
/// of a link's target, a geteuid and its allocations. The inode is part of it, so a rename over the file (the Python
/// reference's write) differs even at the same size and clock tick. Null where statx is missing (musl before 1.2.5),
/// and the caller asks FileInfo. Also the link count of an open file, which tells a kept descriptor's file deleted.
/// </summary>
internal static class LinuxFileSignature
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint TypeSizeTimeInode = 0x1 | 0x40 | 0x100 | 0x200; // STATX_TYPE | STATX_MTIME | STATX_INO | STATX_SIZE
    private const uint LinkCountOnly = 0x4; // STATX_NLINK
    private const int EmptyPath = 0x1000;   // AT_EMPTY_PATH: the descriptor itself
    private const int TypeMask = 0xF000;      // S_IFMT
    private const int DirectoryType = 0x4000; // S_IFDIR
    private const long UnixEpochTicks = 621355968000000000;
    private const int BufferSize = 256;

    private static bool s_hasStatx = true;

    [ThreadStatic]
    private static byte[]? s_buffer;

    /// <summary>As FileInfo would tell it: links followed, and a directory, or anything that cannot be looked at, is missing.</summary>
    public static FileSignature? Of(string path)
    {
        if (!s_hasStatx)
        {
            return null;
        }

        byte[] buffer = s_buffer ??= new byte[BufferSize];
        try
        {
            if (statx(CurrentDirectory, path, 0, TypeSizeTimeInode, buffer) != 0)
            {
                return FileSignature.Missing;
            }
        }
        catch (EntryPointNotFoundException)
        {
            s_hasStatx = false;
            return null;
        }

        // stx_mode at 28, stx_ino at 32, stx_size at 40, stx_mtime (seconds, then nanoseconds) at 112.
        if ((BitConverter.ToUInt16(buffer, 28) & TypeMask) == DirectoryType)
        {
            return FileSignature.Missing;
        }

        long ticks = UnixEpochTicks + (BitConverter.ToInt64(buffer, 112) * TimeSpan.TicksPerSecond) + (BitConverter.ToUInt32(buffer, 120) / 100);
        return new FileSignature(BitConverter.ToInt64(buffer, 40), ticks, BitConverter.ToInt64(buffer, 32));
    }

    /// <summary>How many names the open file has (0 once deleted); null where statx is missing or refuses.</summary>
    public static int? LinkCount(int descriptor)
    {
        if (!s_hasStatx)
        {
            return null;
        }

        byte[] buffer = s_buffer ??= new byte[BufferSize];
        try
        {
            // stx_nlink at 16.
            return statx(descriptor, string.Empty, EmptyPath, LinkCountOnly, buffer) == 0 ? (int)BitConverter.ToUInt32(buffer, 16) : null;
        }
        catch (EntryPointNotFoundException)
        {
            s_hasStatx = false;
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPStr)] string path, int flags, uint mask, [Out] byte[] buffer);
}
