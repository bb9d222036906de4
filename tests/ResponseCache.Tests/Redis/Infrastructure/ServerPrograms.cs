#nullable enable
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Where the server programs are, and their versions, found without starting a server.</summary>
internal static class ServerPrograms
{
    /// <summary>Names GarnetServer.dll explicitly (build.ps1's Test task sets it after restoring the tests' tool manifest).</summary>
    public const string GarnetVariable = "RESPONSECACHE_TEST_GARNET";

    public const string ManifestPath = "tests/servers/.config/dotnet-tools.json";

    private static readonly Lazy<string?> RedisServerPath = new(() => FindOnPath(
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "redis-server.exe" : "redis-server"));

    private static readonly Lazy<string?> RedisVersion = new(ReadRedisVersion);

    public static string GarnetName => "garnet-server " + GarnetVersion();

    public static string? RedisName => RedisVersion.Value is { } version ? "redis-server " + version : null;

    public static string? RedisServer => RedisServerPath.Value;

    /// <summary>GarnetServer.dll; throws, saying how to restore it, when it is not there.</summary>
    public static string GarnetServerDll()
    {
        var explicitPath = Environment.GetEnvironmentVariable(GarnetVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath!
                : throw new InvalidOperationException($"{GarnetVariable} names '{explicitPath}', which does not exist.");
        }
        var version = ManifestGarnetVersion();
        var tools = Path.Combine(NuGetPackagesFolder(), "garnet-server", version, "tools");
        var wanted = $"net{Environment.Version.Major}.0";
        var candidates = Directory.Exists(tools)
            ? Directory.GetDirectories(tools)
                .Select(d => Path.Combine(d, "any", "GarnetServer.dll"))
                .Where(File.Exists)
                .OrderByDescending(p => p.Contains(Path.DirectorySeparatorChar + wanted + Path.DirectorySeparatorChar))
                .ThenByDescending(p => p, StringComparer.Ordinal)
                .ToList()
            : new System.Collections.Generic.List<string>();
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            $"garnet-server {version} is not restored (looked in {tools}). Run the Test task " +
            $"(dotnet pwsh ./build.ps1 -Task Test) or: dotnet tool restore --tool-manifest {ManifestPath}");
    }

    /// <summary>The dotnet host that runs GarnetServer.dll: this process's when it is dotnet, else dotnet on PATH.</summary>
    public static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static string GarnetVersion()
    {
        var explicitPath = Environment.GetEnvironmentVariable(GarnetVariable);
        if (!string.IsNullOrEmpty(explicitPath) && File.Exists(explicitPath))
        {
            var product = FileVersionInfo.GetVersionInfo(explicitPath!).ProductVersion ?? "";
            return product.Split('+')[0];
        }
        return ManifestGarnetVersion();
    }

    private static string ManifestGarnetVersion()
    {
        var manifest = FindManifest() ?? throw new InvalidOperationException(
            $"Cannot find {ManifestPath} above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; set {GarnetVariable} to GarnetServer.dll.");
        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.GetProperty("tools").GetProperty("garnet-server").GetProperty("version").GetString()!;
    }

    private static string? FindManifest()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, ManifestPath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string? ReadRedisVersion()
    {
        if (RedisServerPath.Value is not { } path)
        {
            return null;
        }
        var start = new ProcessStartInfo(path, "--version") { UseShellExecute = false, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = Regex.Match(output, @"v=(\d+(\.\d+)*)");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"Unexpected 'redis-server --version': {output}");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
}
