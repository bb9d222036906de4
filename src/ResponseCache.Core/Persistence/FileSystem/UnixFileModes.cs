using System;
using System.IO;
using System.Reflection;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Owner-only permissions on Unix. netstandard2.0 has no API for file modes, so the .NET 7+ one
/// (File.SetUnixFileMode, present in every supported PowerShell 7) is bound once by reflection.
/// Windows PowerShell runs only on Windows, where the profile directory's ACL already restricts access.
/// </summary>
internal static class UnixFileModes
{
    public const int OwnerReadWrite = 0x180; // 0600
    public const int OwnerAll = 0x1C0;       // 0700

    private static readonly Action<string, int>? s_setFileMode = BindSetUnixFileMode();

    public static bool IsSupported => s_setFileMode is not null;

    public static void Set(string path, int mode) => s_setFileMode?.Invoke(path, mode);

    private static Action<string, int>? BindSetUnixFileMode()
    {
        if (Platform.IsWindows)
        {
            return null;
        }

        Type? modeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
        MethodInfo? method = modeType is null
            ? null
            : typeof(File).GetMethod("SetUnixFileMode", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), modeType }, null);
        if (method is null)
        {
            return null;
        }

        return (path, mode) => method.Invoke(null, new object[] { path, Enum.ToObject(modeType!, mode) });
    }
}
