using System;
using System.IO;
using System.Text;
using ResponseCache.Core;

namespace ResponseCache.Benchmarks;

/// <summary>The shared workload: keys shaped like the reference's bench_seed.py, 1 KB responses, a working folder on real disk.</summary>
internal static class BenchWorkload
{
    /// <summary>Where caches are written; the build script points it at a folder on the repository's disk so fsync is real.</summary>
    public const string WorkRootVariable = "RESPONSECACHE_BENCH_DIR";

    public const int ResponseBytes = 1024;

    /// <summary>A 1 KB response as the compact JSON the engine stores: a string of 1,024 characters.</summary>
    public static readonly byte[] ResponseJson = Encoding.UTF8.GetBytes("\"" + new string('x', ResponseBytes) + "\"");

    public static string FillKey(int i) => $"model|prompt|fill {i}";

    public static string NewDirectory()
    {
        string root = Environment.GetEnvironmentVariable(WorkRootVariable) is { Length: > 0 } configured ? configured : Path.GetTempPath();
        string directory = Path.Combine(root, "rc-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A cache of <paramref name="entries"/> responses, written with one call.</summary>
    public static void Fill(string directory, int entries)
    {
        var items = new System.Collections.Generic.List<System.Collections.Generic.KeyValuePair<string, byte[]>>(entries);
        for (int i = 0; i < entries; i++)
        {
            items.Add(new System.Collections.Generic.KeyValuePair<string, byte[]>(FillKey(i), ResponseJson));
        }

        new DirectoryCache(directory).SetMany(items, new CachePolicy(entries));
    }
}
