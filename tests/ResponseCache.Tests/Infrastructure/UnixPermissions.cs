using System.Runtime.InteropServices;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Modes, owners and the umask, through libc, so the tests run the same on .NET and on Mono (net48).</summary>
internal static class UnixPermissions
{
    /// <summary>A user id no test process runs as (nobody).</summary>
    public const int OtherUser = 65534;

    public static bool IsRoot => geteuid() == 0;

    /// <summary>The mode in octal, as ls and chmod write it ("600", "1777").</summary>
    public static string ModeOf(string path) =>
        Convert.ToString((UnixFileStatus.Of(path) ?? throw new FileNotFoundException(path)).Mode, 8);

    public static void SetMode(string path, int octalMode) => Check(chmod(path, Convert.ToInt32(octalMode.ToString(), 8)), path);

    public static void SetOwner(string path, int user) => Check(chown(path, user, -1), path);

    /// <summary>Sets the process's umask (octal, as the shell's umask writes it) until the result is disposed.</summary>
    public static IDisposable Umask(int octalMask)
    {
        int previous = umask(Convert.ToInt32(octalMask.ToString(), 8));
        return new Restore(() => umask(previous));
    }

    private static void Check(int result, string path)
    {
        if (result != 0)
        {
            throw new IOException($"'{path}': errno {Marshal.GetLastWin32Error()}");
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod(string path, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);

    [DllImport("libc")]
    private static extern int umask(int mask);

    [DllImport("libc")]
    private static extern uint geteuid();
}

/// <summary>A fact about files of other users, which only root can make; skipped elsewhere.</summary>
public sealed class UnixRootFactAttribute : FactAttribute
{
    public UnixRootFactAttribute()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Skip = "Unix owners apply to Unix only.";
        }
        else if (!UnixPermissions.IsRoot)
        {
            Skip = "Giving a file to another user takes root.";
        }
    }
}

/// <summary>A theory about Linux's C library (statx, struct stat); skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            Skip = "statx(2) and this struct stat layout are Linux's.";
        }
    }
}
