#nullable enable
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// Each server's directory (its log, cluster configuration, certificates) under the temp folder, named after the test
/// process that owns it; the first server of a process removes those of processes that are gone (killed mid-run).
/// </summary>
internal static class ServerDirectories
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "responsecache-test-servers");
    private static int _strayRemoved;

    public static string Create()
    {
        if (Interlocked.Exchange(ref _strayRemoved, 1) == 0)
        {
            RemoveStray();
        }
        var directory = Path.Combine(Root, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static void RemoveStray()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }
        foreach (var directory in Directory.GetDirectories(Root))
        {
            var name = Path.GetFileName(directory);
            var dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name.Substring(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var owner) && !IsRunning(owner))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another process is removing it, or it is not ours to remove.
                }
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
