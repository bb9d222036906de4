using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// MoveFileEx with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH: one rename that keeps the old file until the
/// new one is in place and returns once it is on the disk. File.Replace (ReplaceFile) moves the destination away
/// first and can fail between the two steps, leaving no cache file at all.
/// </summary>
internal static class WindowsFileReplace
{
    private const int ReplaceExisting = 0x1;
    private const int WriteThrough = 0x8;

    public static void Replace(string source, string destination)
    {
        if (!MoveFileEx(source, destination, ReplaceExisting | WriteThrough))
        {
            // The Win32 error as the exception .NET would throw (IOException, UnauthorizedAccessException...), HResult kept.
            throw Marshal.GetExceptionForHR(unchecked((int)0x80070000) | Marshal.GetLastWin32Error())!;
        }
    }

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool MoveFileEx(string existingFileName, string newFileName, int flags);
}
