using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Get-or-add and the directory's file lock. The get-or-add rules themselves are in Contract/CacheContract.GetOrAdd.cs.</summary>
public sealed class GetOrAddTests : CacheTestBase
{
    [Fact]
    public void Cancelling_a_call_that_waits_for_the_cross_process_lock_ends_it_and_writes_nothing()
    {
        DirectoryCache engine = NewEngine(lockTimeout: TimeSpan.FromMinutes(5));
        engine.Set("before", Responses.Json("kept"), Policy());
        byte[] before = File.ReadAllBytes(CacheFile);
        using var stopping = new CancellationTokenSource();
        BackgroundCall caller;

        using (new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            caller = BackgroundCall.StartBlocked(() =>
                engine.GetOrAdd("question", Policy(), refresh: true, () => Responses.Json("answer"), cancellation: stopping.Token));

            stopping.Cancel();

            caller.Join();
        }

        Assert.IsAssignableFrom<OperationCanceledException>(caller.Failure);
        Assert.Equal(before, File.ReadAllBytes(CacheFile));
        Assert.Null(engine.Get("question", Policy()));
    }
}
