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
    private DirectoryCache _engine = null!;
    private string[] _presentKeys = [];
    private string[] _absentKeys = [];
    private CachePolicy _atCap;
    private CachePolicy _underCap;
    private int _next;
    private FileStream _baselineFile = null!;
    private byte[] _journalSizedLine = [];

    [Params(200, 2_000, 20_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchWorkload.NewDirectory();
        BenchWorkload.Fill(_directory, Entries);
        _engine = new DirectoryCache(_directory);
        _atCap = new CachePolicy(Entries);
        _underCap = new CachePolicy(Entries * 2);
        _presentKeys = new string[Entries];
        for (int i = 0; i < Entries; i++)
        {
            _presentKeys[i] = BenchWorkload.FillKey(i);
        }

        _baselineFile = new FileStream(Path.Combine(_directory, "fsync-baseline.bin"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        _journalSizedLine = new byte[BenchWorkload.ResponseJson.Length + 256];
        _absentKeys = new string[1024];
        for (int i = 0; i < _absentKeys.Length; i++)
        {
            _absentKeys[i] = $"model|prompt|absent {i}";
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineFile.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public byte[]? Hit() => _engine.Get(_presentKeys[_next++ % _presentKeys.Length], CachePolicy.Default);

    [Benchmark]
    public byte[]? Miss() => _engine.Get(_absentKeys[_next++ % _absentKeys.Length], CachePolicy.Default);

    /// <summary>Replaces an existing entry: the cache stays at N entries under a cap of 2N, so nothing is evicted.</summary>
    [Benchmark]
    public void SetUnderCap() => _engine.Set(_presentKeys[_next++ % _presentKeys.Length], BenchWorkload.ResponseJson, _underCap);

    /// <summary>A new key at the cap: one entry in, the least recently used one out, as in the reference's bench_seed.py.</summary>
    [Benchmark]
    public void SetAtCapEvicting() => _engine.Set($"model|prompt|new {_next++}", BenchWorkload.ResponseJson, _atCap);

    /// <summary>
    /// No engine: what the disk alone charges for one set's durability, a journal-sized append and its fsync, measured
    /// in the same run (it does not depend on N). On a shared disk it is the noisy part of every set.
    /// </summary>
    [Benchmark]
    public void AppendAndFsyncBaseline()
    {
        _baselineFile.Write(_journalSizedLine, 0, _journalSizedLine.Length);
        _baselineFile.Flush(flushToDisk: true);
    }

    /// <summary>What a new process pays: a fresh engine's first call reads the existing cache.</summary>
    [Benchmark]
    public byte[]? Load() => new DirectoryCache(_directory).Get(_presentKeys[0], CachePolicy.Default);
}
