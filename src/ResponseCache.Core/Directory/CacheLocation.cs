using System;
using System.IO;

namespace ResponseCache.Core;

/// <summary>Where the cache lives when no -Path is given.</summary>
public static class CacheLocation
{
    public const string PathVariable = "RESPONSECACHE_PATH";
    public const string FolderName = "ResponseCache";

    // A relative RESPONSECACHE_PATH is resolved against the directory the process started in, once: a Set-Location
    // must never move a session to another cache.
    private static readonly string s_startDirectory = Environment.CurrentDirectory;

    /// <summary>RESPONSECACHE_PATH (a relative one against the process's start directory), else LocalApplicationData\ResponseCache on Windows, else $XDG_CACHE_HOME/ResponseCache or ~/.cache/ResponseCache.</summary>
    public static string ResolveDefault() => ResolveDefault(
        Environment.GetEnvironmentVariable,
        Platform.IsWindows,
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData),
        s_startDirectory);

    internal static string ResolveDefault(Func<string, string?> environment, bool isWindows, string? localApplicationData, string startDirectory)
    {
        string? explicitPath = environment(PathVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(Path.Combine(startDirectory, ExpandHome(explicitPath!, environment(isWindows ? "USERPROFILE" : "HOME"))));
        }

        if (isWindows)
        {
            if (!string.IsNullOrEmpty(localApplicationData))
            {
                return Path.Combine(localApplicationData, FolderName);
            }
        }
        else
        {
            string? xdgCache = environment("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdgCache) && Path.IsPathRooted(xdgCache))
            {
                return Path.Combine(xdgCache, FolderName);
            }

            string? home = environment("HOME");
            if (!string.IsNullOrEmpty(home))
            {
                return Path.Combine(home, ".cache", FolderName);
            }
        }

        throw new CacheHomeNotFoundException(
            $"No cache directory could be found: this account has no {(isWindows ? "LocalApplicationData folder" : "HOME directory")}. " +
            $"Pass -Path, or set the {PathVariable} environment variable.");
    }

    // "~/cache" in RESPONSECACHE_PATH means the home directory, as it does in a -Path that PowerShell resolves.
    private static string ExpandHome(string path, string? home)
    {
        bool underHome = path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal);
        return underHome && !string.IsNullOrEmpty(home) ? Path.Combine(home, path.Substring(Math.Min(2, path.Length))) : path;
    }
}
