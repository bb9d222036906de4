using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ResponseCache.Core;

/// <summary>
/// Which OS this is, asked in ways that work on .NET Framework 4.6.2 too: RuntimeInformation is only touched off
/// Windows, where the runtime is always a modern .NET that has it.
/// </summary>
internal static class Platform
{
    public static bool IsWindows { get; } = Environment.OSVersion.Platform == PlatformID.Win32NT;

    public static bool IsMacOS { get; } = !IsWindows && DetectMacOS();

    /// <summary>Linux, or another Unix that is not macOS: callers of Linux-only system calls fall back where they are missing.</summary>
    public static bool IsLinux { get; } = !IsWindows && !IsMacOS;

    /// <summary>Linux file systems tell "Cache" from "cache"; Windows and macOS (by default) do not.</summary>
    public static bool HasCaseSensitivePaths { get; } = !IsWindows && !IsMacOS;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DetectMacOS() => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
}
