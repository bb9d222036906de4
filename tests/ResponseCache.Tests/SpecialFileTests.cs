using System.Runtime.InteropServices;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// Anyone who may create files in a shared cache directory can plant a FIFO at one of the cache's names; opening or
/// reading it would wait for a writer forever. The cache refuses it at once, naming it, and loses nothing.
/// </summary>
public sealed class SpecialFileTests : CacheTestBase
{
    // Far longer than a refusal takes, even on a loaded machine; a call still running then is blocked on the FIFO.
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    public static TheoryData<string> CacheFileNames => new() { ".lock", "", ".journal", ".settings" };

    [UnixTheory]
    [MemberData(nameof(CacheFileNames))]
    public void A_fifo_at_a_cache_file_is_refused_at_once_by_reads_and_writes(string suffix)
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());
        string fifo = CacheFile + suffix;
        File.Delete(fifo);
        MakeFifo(fifo);

        AssertRefused(fifo, () => NewEngine().Get("question", Policy()));
        AssertRefused(fifo, () => NewEngine().GetConfiguration());
        AssertRefused(fifo, () => NewEngine().Set("another", Responses.Json("reply"), Policy()));

        File.Delete(fifo);
        if (suffix != "")
        {
            Assert.Equal("answer", Responses.Text(NewEngine().Get("question", Policy())));
        }
    }

    [UnixFact]
    public void A_fifo_at_the_lock_file_of_a_new_cache_is_refused_when_it_is_created()
    {
        Directory.CreateDirectory(CacheDirectory);
        MakeFifo(LockFile);

        AssertRefused(LockFile, () => NewEngine().Set("question", Responses.Json("answer"), Policy()));
    }

#if NET // UnixDomainSocketEndPoint is .NET Core 2.1+; the module runs on .NET Framework only on Windows.
    [UnixFact]
    public void A_socket_at_the_lock_file_is_refused_at_once()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());
        File.Delete(LockFile);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(LockFile));

        AssertRefused(LockFile, () => NewEngine().Get("question", Policy()));
        AssertRefused(LockFile, () => NewEngine().Set("another", Responses.Json("reply"), Policy()));
    }
#endif

    private static void AssertRefused(string fifo, Action call)
    {
        Exception? failure = WithinDeadline(fifo, call);

        Exception refusal = Assert.IsAssignableFrom<Exception>(failure);
        Assert.True(
            refusal is UnauthorizedAccessException || refusal is CacheStorageException { IsAccessDenied: true },
            $"Expected access denied, got {refusal}");
        Assert.Contains(fifo, refusal.Message);
        Assert.Contains("not a regular file", refusal.Message);
    }

    /// <summary>What the call threw (null if nothing); fails the test, and frees the call, if it is still blocked at the deadline.</summary>
    private static Exception? WithinDeadline(string fifo, Action call)
    {
        Task<Exception?> running = Task.Factory.StartNew<Exception?>(() => Record.Exception(call), TaskCreationOptions.LongRunning);
        if (running.Wait(s_deadline))
        {
            return running.Result;
        }

        // A writer's open and close let a blocked open(2) through and end a blocked read(2) at end of file.
        while (!running.Wait(TimeSpan.FromMilliseconds(10)))
        {
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
        }

        Assert.Fail($"The call was still blocked on the FIFO after {s_deadline.TotalSeconds} s; it then ended with: {running.Result}");
        return null;
    }

    private static void MakeFifo(string path) =>
        Assert.True(mkfifo(path, 0x1B6) == 0, $"mkfifo failed: errno {Marshal.GetLastWin32Error()}");

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPStr)] string path, uint mode);
}
