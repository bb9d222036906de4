using System;
using System.Globalization;

namespace ResponseCache.Core.Persistence;

/// <summary>Keeps damaged files for a person to look at, instead of overwriting them.</summary>
internal static class DamagedFiles
{
    private const string CorruptInfix = ".corrupt-";

    /// <summary>Renames the file to "&lt;name&gt;.corrupt-&lt;yyyyMMdd-HHmmss&gt;[-n]", never overwriting anything; returns the new name.</summary>
    public static string SetAside(ICacheFileSystem fileSystem, string path, DateTimeOffset now)
    {
        string stem = path + CorruptInfix + now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (int attempt = 0; ; attempt++)
        {
            string target = attempt == 0 ? stem : stem + "-" + attempt.ToString(CultureInfo.InvariantCulture);
            if (fileSystem.FileExists(target))
            {
                continue;
            }

            FileOperation.Run(path, "keep the damaged file aside", () => fileSystem.Move(path, target));
            return target;
        }
    }
}
