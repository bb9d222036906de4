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

    private static bool s_hasStatx = true;

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
        if (Platform.IsMacOS)
        {
            // st_mode (16 bits) at 4, st_uid at 16.
            return Read(path, RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? stat : stat_inode64, modeOffset: 4, ownerOffset: 16);
        }

        if (s_hasStatx)
        {
            try
            {
                // stx_uid at 20, stx_mode (16 bits) at 28.
                return Read(path, (file, buffer) => statx(CurrentDirectory, file, 0, ModeAndOwner, buffer), modeOffset: 28, ownerOffset: 20);
            }
            catch (EntryPointNotFoundException)
            {
                s_hasStatx = false;
            }
        }

        return OfThroughStat(path);
    }

    /// <summary>Through stat(2), for C libraries without statx (musl before 1.2.5); its layout is the architecture's.</summary>
    internal static UnixFileStatus? OfThroughStat(string path) => RuntimeInformation.ProcessArchitecture switch
    {
        // x64: st_dev, st_ino, st_nlink (8 bytes each), st_mode, st_uid. arm64: st_dev, st_ino, st_mode, st_nlink, st_uid.
        Architecture.X64 => Read(path, stat, modeOffset: 24, ownerOffset: 28),
        Architecture.Arm64 => Read(path, stat, modeOffset: 16, ownerOffset: 24),
        Architecture architecture => throw new PlatformNotSupportedException($"The owner and mode of '{path}' cannot be read on {architecture} without statx(2)."),
    };

    private static UnixFileStatus? Read(string path, Func<string, IntPtr, int> call, int modeOffset, int ownerOffset)
    {
        IntPtr buffer = Marshal.AllocHGlobal(BufferSize);
        try
        {
            if (call(path, buffer) != 0)
            {
                return null;
            }

            // Every mode bit is in the low 16 bits, which come first on these little-endian machines.
            int mode = (ushort)Marshal.ReadInt16(buffer, modeOffset);
            return new UnixFileStatus(mode & 0xFFF, (uint)Marshal.ReadInt32(buffer, ownerOffset));
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
