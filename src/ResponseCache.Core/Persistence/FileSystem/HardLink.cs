using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// A second name for an existing file (link(2); CreateHardLink on Windows), which netstandard2.0 has no API for.
/// File systems without hard links (FAT, exFAT, most network shares) refuse with an <see cref="IOException"/>.
/// </summary>
internal static class HardLink
{
    public static void Create(string existing, string link)
    {
        bool created = Platform.IsWindows ? CreateHardLinkW(link, existing, System.IntPtr.Zero) : link_unix(existing, link) == 0;
        if (!created)
        {
            int error = Marshal.GetLastWin32Error();
            throw new IOException($"Could not link '{link}' to '{existing}' (error {error}).", error);
        }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int link_unix([MarshalAs(UnmanagedType.LPStr)] string existing, [MarshalAs(UnmanagedType.LPStr)] string link);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string fileName, string existingFileName, System.IntPtr securityAttributes);
}
