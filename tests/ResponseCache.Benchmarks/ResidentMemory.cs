using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using ResponseCache.Core;

namespace ResponseCache.Benchmarks;

/// <summary>
/// 'rss N': the memory a loaded cache of N entries of 1 KB takes in this process, against its JSON on disk.
/// A one-entry cache is loaded first so the code the load runs is already in memory and only the data counts.
/// </summary>
internal static class ResidentMemory
{
    public static void Measure(int entries)
    {
        string warmup = BenchWorkload.NewDirectory();
        string directory = BenchWorkload.NewDirectory();
        try
        {
            BenchWorkload.Fill(warmup, 1);
            new DirectoryCache(warmup).Get(BenchWorkload.FillKey(0), CachePolicy.Default);
            MeasureLoad(directory, entries);
        }
        finally
        {
            Directory.Delete(warmup, recursive: true);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void MeasureLoad(string directory, int entries)
    {
        // Filling happens in a child process, so none of its garbage or buffers stay in this one.
        RunFill(directory, entries);
        long workingSetBefore = SettledWorkingSet();
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var engine = new DirectoryCache(directory);
        byte[]? hit = engine.Get(BenchWorkload.FillKey(0), CachePolicy.Default);
        long managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetAfter = SettledWorkingSet();
        GC.KeepAlive(engine);
        long jsonBytes = new FileInfo(engine.CacheFilePath).Length;

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            entries,
            loaded = hit is not null,
            jsonBytes,
            workingSetDeltaBytes = workingSetAfter - workingSetBefore,
            managedHeapDeltaBytes = managedAfter - managedBefore,
        }));
    }

    private static void RunFill(string directory, int entries)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        string entryAssembly = typeof(ResidentMemory).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(entryAssembly);
        }

        start.ArgumentList.Add("fill");
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(entries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process fill = Process.Start(start)!;
        fill.WaitForExit();
        if (fill.ExitCode != 0)
        {
            throw new InvalidOperationException($"Filling the cache failed with exit code {fill.ExitCode}.");
        }
    }

    private static long SettledWorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using Process self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
