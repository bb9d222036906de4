using System;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// A file's owner and mode bits (stat(2)), which netstandard2.0 cannot ask for. On Linux through statx(2), whose
/// layout is the same on every architecture, unlike struct stat's; on macOS through stat(2) with 64-bit inodes.
/// </summary>
internal readonly struct UnixFileStatus
{
    public const int SetGroupId = 0x400;   // 02000
    public const int Sticky = 0x200;       // 01000
    public const int GroupWrite = 0x10;    // 0020
    public const int OthersWrite = 0x2;    // 0002

    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint ModeAndOwner = 0x2 | 0x8; // STATX_MODE | STATX_UID
    private const int BufferSize = 256;

    private UnixFileStatus(int mode, uint owner)
    {
        Mode = mode;
        Owner = owner;
    }

    /// <summary>The permission bits with setuid, setgid and sticky (07777).</summary>
    public int Mode { get; }

    public uint Owner { get; }

    public static uint CurrentUser => geteuid();

    /// <summary>The status of what <paramref name="path"/> names (links followed); null when there is nothing there.</summary>
    public static UnixFileStatus? Of(string path)
    {
        IntPtr buffer = Marshal.AllocHGlobal(BufferSize);
        try
        {
            int result = Platform.IsMacOS
                ? (RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? stat(path, buffer) : stat_inode64(path, buffer))
                : statx(CurrentDirectory, path, 0, ModeAndOwner, buffer);
            if (result != 0)
            {
                return null;
            }

            // statx: stx_uid at 20, stx_mode (16 bits) at 28. macOS: st_mode (16 bits) at 4, st_uid at 16.
            int mode = (ushort)Marshal.ReadInt16(buffer, Platform.IsMacOS ? 4 : 28);
            uint owner = (uint)Marshal.ReadInt32(buffer, Platform.IsMacOS ? 16 : 20);
            return new UnixFileStatus(mode & 0xFFF, owner);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPStr)] string path, int flags, uint mask, IntPtr buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int stat([MarshalAs(UnmanagedType.LPStr)] string path, IntPtr buffer);

    [DllImport("libc", EntryPoint = "stat$INODE64", SetLastError = true)]
    private static extern int stat_inode64([MarshalAs(UnmanagedType.LPStr)] string path, IntPtr buffer);

    [DllImport("libc")]
    private static extern uint geteuid();
}
