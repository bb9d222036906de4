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
    internal ResponseCacheEngine NewEngine(TimeSpan? lockTimeout = null, TimeSpan? accessFlushInterval = null) =>
        new(CacheDirectory, new CacheEngineOptions
        {
            Clock = Clock,
            FileSystem = Disk,
            LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(60),
            AccessFlushInterval = accessFlushInterval ?? CacheEngineOptions.DefaultAccessFlushInterval,
        });

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
