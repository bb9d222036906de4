using ResponseCache.Core;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// A fresh cache directory under the temp folder for each test (xunit builds one instance per test), removed
/// afterwards; a fake clock; and a disk that fails only when a test says so.
/// </summary>
public abstract class CacheTestBase : IDisposable
{
    private readonly string _root;

    protected CacheTestBase()
    {
        _root = Path.Combine(Path.GetTempPath(), "responsecache-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        CacheDirectory = Path.Combine(_root, "cache");
    }

    /// <summary>Not created until an engine first needs it.</summary>
    protected string CacheDirectory { get; }

    /// <summary>A folder beside the cache directory, for files the engine must not touch.</summary>
    protected string OutsideDirectory => _root;

    protected string CacheFile => Path.Combine(CacheDirectory, "ai_responses.json");

    protected string JournalFile => CacheFile + ".journal";

    protected string LockFile => CacheFile + ".lock";

    internal FakeClock Clock { get; } = FakeClock.AtFixedTime();

    internal FaultyFileSystem Disk { get; } = new();

    internal RecordingLog Log { get; } = new();

    protected static CachePolicy Policy(int maxEntries = 100, double ttlDays = 7, long? maxBytes = null) => new(maxEntries, ttlDays, maxBytes);

    /// <summary>Room for every entry a test writes, so only tests about eviction see any.</summary>
    protected static CachePolicy Roomy => Policy(maxEntries: 100_000);

    /// <summary>Another engine on the same directory: what another process would have.</summary>
    internal DirectoryCache NewEngine(TimeSpan? lockTimeout = null) =>
        new(CacheDirectory, new DirectoryCacheOptions
        {
            Clock = Clock,
            FileSystem = Disk,
            LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(60),

            // Tests that look at the journal must find it as the engine left it, not as a timer did meanwhile.
            FoldDelay = null,
        });

    protected const int LargeCacheEntries = 400;

    protected long JournalLength => File.Exists(JournalFile) ? new FileInfo(JournalFile).Length : 0;

    /// <summary>Where a damaged file is kept aside when found at the fake clock's time.</summary>
    protected string AsidePathOf(string file) => file + ".corrupt-" + Clock.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The response <see cref="LargeCache"/> stores under "key i".</summary>
    protected static byte[] LargeCacheResponse(int i) => Responses.OfSize(1024, (char)('a' + (i % 26)));

    /// <summary>400 entries of 1 KB, written as one snapshot: well past the size where sets stop rewriting it.</summary>
    internal DirectoryCache LargeCache()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(Enumerable.Range(0, LargeCacheEntries).Select(i => new KeyValuePair<string, byte[]>($"key {i}", LargeCacheResponse(i))).ToList(), Roomy);
        Assert.True(new FileInfo(CacheFile).Length > 256 * 1024, "The test cache is too small to use the journal.");
        Assert.Equal(0, JournalLength);
        return engine;
    }

    /// <summary>Stores the keys in order, one second apart on the fake clock, so the first is the least recently used.</summary>
    internal void SetOneSecondApart(DirectoryCache engine, CachePolicy policy, params string[] keys) =>
        SetOneSecondApart(engine, policy, key => Responses.Json("answer to " + key), keys);

    internal void SetOneSecondApart(DirectoryCache engine, CachePolicy policy, Func<string, byte[]> response, params string[] keys)
    {
        foreach (string key in keys)
        {
            engine.Set(key, response(key), policy);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    protected IEnumerable<string> FilesInCacheDirectory() =>
        Directory.Exists(CacheDirectory) ? Directory.EnumerateFiles(CacheDirectory).Select(Path.GetFileName).OfType<string>() : Enumerable.Empty<string>();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing cleanup must not hide the test's own result.
        }
        catch (UnauthorizedAccessException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
