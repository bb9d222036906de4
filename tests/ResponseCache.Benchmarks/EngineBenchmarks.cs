using System.IO;
using BenchmarkDotNet.Attributes;
using ResponseCache.Core;

namespace ResponseCache.Benchmarks;

/// <summary>
/// The engine on a cache of N entries of 1 KB, on real disk with real fsync. Every case starts from its own
/// freshly filled folder (BenchmarkDotNet runs each case in its own process).
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private string _directory = string.Empty;
    private ResponseCacheEngine _engine = null!;
    private string[] _presentKeys = [];
    private string[] _absentKeys = [];
    private CachePolicy _atCap;
    private CachePolicy _underCap;
    private int _next;

    [Params(200, 2_000, 20_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchWorkload.NewDirectory();
        BenchWorkload.Fill(_directory, Entries);
        _engine = new ResponseCacheEngine(_directory);
        _atCap = new CachePolicy(Entries, CachePolicy.DefaultTtlDays);
        _underCap = new CachePolicy(Entries * 2, CachePolicy.DefaultTtlDays);
        _presentKeys = new string[Entries];
        for (int i = 0; i < Entries; i++)
        {
            _presentKeys[i] = BenchWorkload.FillKey(i);
        }

        _absentKeys = new string[1024];
        for (int i = 0; i < _absentKeys.Length; i++)
        {
            _absentKeys[i] = $"model|prompt|absent {i}";
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public byte[]? Hit() => _engine.Get(_presentKeys[_next++ % _presentKeys.Length], _atCap);

    [Benchmark]
    public byte[]? Miss() => _engine.Get(_absentKeys[_next++ % _absentKeys.Length], _atCap);

    /// <summary>Replaces an existing entry: the cache stays at N entries under a cap of 2N, so nothing is evicted.</summary>
    [Benchmark]
    public void SetUnderCap() => _engine.Set(_presentKeys[_next++ % _presentKeys.Length], BenchWorkload.ResponseJson, _underCap);

    /// <summary>A new key at the cap: one entry in, the least recently used one out, as in the reference's bench_seed.py.</summary>
    [Benchmark]
    public void SetAtCapEvicting() => _engine.Set($"model|prompt|new {_next++}", BenchWorkload.ResponseJson, _atCap);

    /// <summary>What a new process pays: a fresh engine's first call reads the existing cache.</summary>
    [Benchmark]
    public byte[]? Load() => new ResponseCacheEngine(_directory).Get(_presentKeys[0], _atCap);
}
