using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>The contract on the directory engine: each cache a directory under the test's temp folder.</summary>
public sealed class DirectoryCacheContract : CacheContract
{
    private readonly Folders _folders = new();
    private int _caches;

    internal override FakeClock Clock => _folders.Clock;

    internal override ICacheBackend NewCache(TimeSpan? producerWaitTimeout = null) =>
        Open(_caches++ == 0 ? _folders.FirstCache : Path.Combine(_folders.Root, "cache " + _caches), producerWaitTimeout);

    internal override ICacheBackend SameCacheElsewhere(ICacheBackend cache) => Open(((DirectoryCache)cache).Directory, null);

    private DirectoryCache Open(string directory, TimeSpan? producerWaitTimeout) =>
        new(directory, new DirectoryCacheOptions
        {
            Clock = Clock,
            LockTimeout = TimeSpan.FromSeconds(60),
            ProducerWaitTimeout = producerWaitTimeout ?? DirectoryCacheOptions.DefaultProducerWaitTimeout,
        });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _folders.Dispose();
        }
    }

    private sealed class Folders : CacheTestBase
    {
        public string FirstCache => CacheDirectory;

        public string Root => OutsideDirectory;
    }
}
