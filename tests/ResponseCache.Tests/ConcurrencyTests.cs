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
        ResponseCacheEngine fresh = NewEngine();
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
        ResponseCacheEngine engine = NewEngine();

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
        ResponseCacheEngine[] engines = { NewEngine(), NewEngine() };

        Parallel.For(0, Threads, s_eightThreads, thread =>
        {
            for (int i = 0; i < KeysPerThread; i++)
            {
                engines[thread % 2].Set($"key {thread}/{i}", Responses.Json($"answer {thread}/{i}"), Roomy);
            }
        });

        AssertEveryKeyStored();
    }

    [Fact]
    public void Readers_running_beside_writers_only_ever_see_whole_responses()
    {
        ResponseCacheEngine writer = NewEngine();
        ResponseCacheEngine reader = NewEngine();
        writer.Set("shared", Responses.Json("version 0"), Roomy);

        Parallel.For(0, 2, s_eightThreads, role =>
        {
            for (int i = 1; i <= 100; i++)
            {
                if (role == 0)
                {
                    writer.Set("shared", Responses.Json($"version {i}"), Roomy);
                }
                else
                {
                    Assert.StartsWith("version ", Responses.Text(reader.Get("shared", Roomy)));
                }
            }
        });

        Assert.Equal("version 100", Responses.Text(reader.Get("shared", Roomy)));
    }
}
