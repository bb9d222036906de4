using ResponseCache.Core;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// The owner of a get-or-add run, held in its producer: the producer says it started, then waits for
/// <see cref="Release"/> before it does what the test asked (returns a response, or throws). Callers for the same key
/// that pass <see cref="Produce"/> as their own producer are counted in <see cref="Runs"/> if they run it.
/// </summary>
internal sealed class BlockedProducer : IDisposable
{
    private readonly ManualResetEventSlim _started = new();
    private readonly ManualResetEventSlim _released = new();
    private readonly Func<byte[]?> _outcome;
    private int _runs;

    private BlockedProducer(Func<byte[]?> outcome)
    {
        _outcome = outcome;
    }

    /// <summary>The owner's get-or-add: its response, or what it threw.</summary>
    public BackgroundCall Owner { get; private set; } = null!;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Starts a get-or-add of <paramref name="key"/> and returns once its producer runs.</summary>
    public static BlockedProducer Start(ICacheBackend cache, string key, Func<byte[]?> outcome, CachePolicy policy = default)
    {
        var blocked = new BlockedProducer(outcome);
        blocked.Owner = BackgroundCall.Start(() => cache.GetOrAdd(key, policy, refresh: false, blocked.Produce, NullCacheLog.Instance, CancellationToken.None));
        Assert.True(blocked._started.Wait(BackgroundCall.Bound), "The first caller never ran its producer.");
        return blocked;
    }

    /// <summary>A producer that returns <paramref name="response"/> once released.</summary>
    public static BlockedProducer Start(ICacheBackend cache, string key, string response, CachePolicy policy = default) =>
        Start(cache, key, () => Responses.Json(response), policy);

    public byte[]? Produce()
    {
        Interlocked.Increment(ref _runs);
        _started.Set();
        Assert.True(_released.Wait(BackgroundCall.Bound), "The test never released the producer.");
        return _outcome();
    }

    /// <summary>Lets the producer finish and waits for the owner's call to return.</summary>
    public BackgroundCall Release()
    {
        _released.Set();
        return Owner.Join();
    }

    public void Dispose()
    {
        _released.Set();
        Owner?.Join();
        _started.Dispose();
        _released.Dispose();
    }
}
