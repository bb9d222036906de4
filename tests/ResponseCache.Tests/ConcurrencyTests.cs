using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class ConcurrencyTests : CacheTestBase
{
    private const int Threads = 8;
    private const int KeysPerThread = 50;

    private static readonly ParallelOptions s_eightThreads = new() { MaxDegreeOfParallelism = Threads };

    private void AssertEveryKeyStored()
    {
        Dictionary<string, System.Text.Json.JsonElement> entries = CacheFileContent.Entries(CacheFile);
        Assert.Equal(Threads * KeysPerThread, entries.Count);
        DirectoryCache fresh = NewEngine();
        for (int thread = 0; thread < Threads; thread++)
        {
            for (int i = 0; i < KeysPerThread; i++)
            {
                Assert.Equal($"answer {thread}/{i}", Responses.Text(fresh.Get($"key {thread}/{i}", Roomy)));
            }
        }
    }

    [Fact]
    public void Parallel_writers_on_one_instance_lose_nothing()
    {
        DirectoryCache engine = NewEngine();

        Parallel.For(0, Threads, s_eightThreads, thread =>
        {
            for (int i = 0; i < KeysPerThread; i++)
            {
                engine.Set($"key {thread}/{i}", Responses.Json($"answer {thread}/{i}"), Roomy);
            }
        });

        AssertEveryKeyStored();
    }

    [Fact]
    public void Parallel_writers_on_two_instances_lose_nothing()
    {
        DirectoryCache[] engines = { NewEngine(), NewEngine() };

        Parallel.For(0, Threads, s_eightThreads, thread =>
        {
            for (int i = 0; i < KeysPerThread; i++)
            {
                engines[thread % 2].Set($"key {thread}/{i}", Responses.Json($"answer {thread}/{i}"), Roomy);
            }
        });

        AssertEveryKeyStored();
    }

    /// <summary>A value only its writer and version produce, long enough that a torn read shows.</summary>
    private static byte[] Version(int writer, int version) =>
        Responses.Json($"writer {writer} version {version} " + new string((char)('a' + (version % 26)), 4000));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reader_beside_writers_sees_only_whole_values_some_writer_wrote_and_each_writers_in_order(bool largeCache)
    {
        const int Writers = 2;
        const int Versions = 100;
        DirectoryCache[] writers = { largeCache ? LargeCache() : NewEngine(), NewEngine() };
        DirectoryCache reader = NewEngine();
        writers[0].Set("shared", Version(0, 0), Roomy);
        var seen = new List<byte[]>();
        int writing = Writers;
        using var start = new Barrier(Writers + 1);
        var threads = new List<Thread>
        {
            new(() => Write(0)),
            new(() => Write(1)),
            new(() =>
            {
                seen.Add(reader.Get("shared", Roomy)!);
                start.SignalAndWait();
                while (Volatile.Read(ref writing) > 0)
                {
                    seen.Add(reader.Get("shared", Roomy)!);
                }

                seen.Add(reader.Get("shared", Roomy)!);
            }),
        };
        threads.ForEach(thread => thread.Start());
        Assert.All(threads, thread => Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "A thread did not finish."));

        int[] latest = { 0, 0 };
        foreach (byte[] value in seen)
        {
            string text = Assert.IsType<string>(Responses.Text(value));
            System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(text, "^writer ([0-9]+) version ([0-9]+) ");
            Assert.True(match.Success, $"The reader saw a value no writer wrote: '{text.Substring(0, Math.Min(text.Length, 40))}...'");
            int writer = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            int version = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(writer, 0, Writers - 1);
            Assert.Equal(Version(writer, version), value);
            Assert.True(version >= latest[writer], $"The reader saw writer {writer}'s version {version} after its version {latest[writer]}.");
            latest[writer] = version;
        }

        Assert.True(seen.Count > 2, "The reader never ran beside the writers.");
        Assert.Contains(seen[seen.Count - 1], new[] { Version(0, Versions), Version(1, Versions) });

        void Write(int writer)
        {
            start.SignalAndWait();
            for (int version = 1; version <= Versions; version++)
            {
                writers[writer].Set("shared", Version(writer, version), Roomy);
            }

            Interlocked.Decrement(ref writing);
        }
    }
}
