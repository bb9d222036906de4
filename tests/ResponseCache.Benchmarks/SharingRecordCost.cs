using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using ResponseCache.Core;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Benchmarks;

/// <summary>
/// What ai_responses.json.module and the savings ledger cost a set, a Remove and the exit's flush, the engine's
/// calls timed side by side: each variant has its own cache of the same entries, every round runs one call of each
/// variant in a rotating order, and the medians per call and their ratios to the shipped variant (hard link, no
/// ledger) are printed as JSON. Before each timed call every variant takes the same hit, so the call also writes an
/// access time, and where entries carry usage, the hit's savings into the ledger.
/// </summary>
internal static class SharingRecordCost
{
    // Under 256 KB (about 190 KB): every set and Remove rewrites ai_responses.json, and so makes the record.
    private const int SmallEntries = 150;

    private sealed record Variant(string Name, ModuleRecord Record, bool Ledger);

    private static readonly Variant[] Variants =
    [
        new("HardLink", ModuleRecord.HardLink, Ledger: false),
        new("Copy", ModuleRecord.Copy, Ledger: false),
        new("NoRecord", ModuleRecord.None, Ledger: false),
        new("HardLinkWithLedger", ModuleRecord.HardLink, Ledger: true),
    ];

    /// <param name="largeEntries">Sizes above 256 KB, where a set is a journal line and the exit's flush folds.</param>
    public static void Measure(int rounds, IReadOnlyList<int> largeEntries)
    {
        var cases = new Dictionary<string, object>
        {
            ["SetSmall"] = Run(SmallEntries, rounds, (s, i) => s.Cache.Set($"model|prompt|new {i}", s.Reply, new CachePolicy(SmallEntries))),
            ["RemoveSmall"] = RunRemove(SmallEntries, rounds),
        };
        foreach (int entries in largeEntries)
        {
            cases[$"Set{entries}"] = Run(entries, rounds, (s, i) => s.Cache.Set($"model|prompt|new {i}", s.Reply, new CachePolicy(entries)));
            cases[$"ExitFlush{entries}"] = RunExitFlush(entries, Math.Max(5, rounds / 4));
        }

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["SmallEntries"] = SmallEntries,
            ["Cases"] = cases,
        }));
    }

    private sealed record Subject(DirectoryCache Cache, string Directory, byte[] Reply);

    // A chat completion of about 1 KB whose usage the ledger counts, the same size as the plain 1 KB response.
    private static readonly byte[] ReplyWithUsage = Encoding.UTF8.GetBytes(
        "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":240},\"text\":\"" + new string('x', BenchWorkload.ResponseBytes - 80) + "\"}");

    private static Dictionary<string, object> Run(int entries, int rounds, Action<Subject, int> call) =>
        Time(entries, rounds, (subject, i) => () => call(subject, i));

    private static Dictionary<string, object> RunRemove(int entries, int rounds) =>
        Time(entries, rounds, (subject, i) =>
        {
            string key = $"model|prompt|gone {i}";
            subject.Cache.Set(key, subject.Reply, new CachePolicy(entries * 2));
            return () => subject.Cache.Remove(key);
        });

    // The flush a process makes as it exits, with a fold due: one journaled set made before it, untimed.
    private static Dictionary<string, object> RunExitFlush(int entries, int rounds) =>
        Time(entries, rounds, (subject, i) =>
        {
            subject.Cache.Set($"model|prompt|pending {i}", subject.Reply, new CachePolicy(entries * 2));
            return () => subject.Cache.Flush();
        });

    /// <param name="prepare">Untimed work before a call, returning the call to time.</param>
    private static Dictionary<string, object> Time(int entries, int rounds, Func<Subject, int, Action> prepare)
    {
        Subject[] subjects = Variants.Select(variant => Open(variant, entries)).ToArray();
        var ticks = Variants.Select(_ => new List<double>()).ToArray();
        try
        {
            for (int round = -2; round < rounds; round++)
            {
                for (int turn = 0; turn < Variants.Length; turn++)
                {
                    int v = (turn + Math.Max(round, 0)) % Variants.Length;
                    _ = subjects[v].Cache.Get(BenchWorkload.FillKey(round & 7), CachePolicy.Default);
                    Action call = prepare(subjects[v], round + 2);
                    long start = Stopwatch.GetTimestamp();
                    call();
                    long elapsed = Stopwatch.GetTimestamp() - start;
                    if (round >= 0)
                    {
                        ticks[v].Add(elapsed);
                    }
                }
            }

            double shipped = Median(ticks[0]);
            var result = new Dictionary<string, object> { ["Entries"] = entries, ["Rounds"] = rounds };
            for (int v = 0; v < Variants.Length; v++)
            {
                double median = Median(ticks[v]);
                result[Variants[v].Name] = new Dictionary<string, double>
                {
                    ["MedianUs"] = median * 1e6 / Stopwatch.Frequency,
                    ["Ratio"] = median / shipped,
                };
            }

            result["LedgerBytes"] = new FileInfo(subjects[3].Cache.CacheFilePath + SavingsFile.Suffix).Length;
            return result;
        }
        finally
        {
            foreach (Subject subject in subjects)
            {
                Directory.Delete(subject.Directory, recursive: true);
            }
        }
    }

    private static Subject Open(Variant variant, int entries)
    {
        string directory = BenchWorkload.NewDirectory();
        byte[] reply = variant.Ledger ? ReplyWithUsage : BenchWorkload.ResponseJson;
        var items = Enumerable.Range(0, entries).Select(i => new KeyValuePair<string, byte[]>(BenchWorkload.FillKey(i), reply)).ToList();
        new DirectoryCache(directory).SetMany(items, new CachePolicy(entries));
        if (variant.Ledger)
        {
            File.WriteAllBytes(Path.Combine(directory, "ai_responses.json" + SavingsFile.Suffix), FullLedger());
        }

        // No timer: the only fold is the one a call makes, so the variants fold alike.
        var cache = new DirectoryCache(directory, new DirectoryCacheOptions { FileSystem = new RecordFileSystem(variant.Record), FoldDelay = Timeout.InfiniteTimeSpan });
        return new Subject(cache, directory, reply);
    }

    // The most a ledger holds: 400 days of three models.
    private static byte[] FullLedger()
    {
        var ledger = new SavingsLedger();
        DateTimeOffset today = DateTimeOffset.UtcNow;
        for (int day = 0; day < SavingsLedger.KeptDays; day++)
        {
            foreach (string model in new[] { "gpt-4o", "gpt-4o-mini", "claude-sonnet-4" })
            {
                ledger.AddDay(SavingsLedger.DayOf(today.AddDays(-day)), model, 40, 4800, 9600, 12.5);
            }
        }

        return ledger.ToJson();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(value => value).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
