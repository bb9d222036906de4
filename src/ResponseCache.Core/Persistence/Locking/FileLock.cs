using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cross-process lock of one cache directory: an OS lock (flock on Unix, a share-none handle on Windows) on a
/// lock file beside the cache file. The OS drops it when its holder dies, so a killed process never blocks anyone.
/// Only changes take it: reads read the files without it (see <see cref="CacheFiles"/>). The file carries two
/// counters that tell everyone exactly what changed since they last looked, even when a stat could not (same size,
/// same clock tick): the generation (bumped after every write) and the epoch (bumped when the journal starts over,
/// so readers know their journal offset no longer applies); and the identity of the module's last snapshot.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan s_longestPause = TimeSpan.FromMilliseconds(50);

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[LockCounters.Size];

    private FileLock(Stream stream)
    {
        _stream = stream;
        _stream.Position = 0;
        Counters = LockCounters.Parse(_buffer, StreamReading.ReadAtMost(_stream, _buffer));
    }

    public LockCounters Counters { get; private set; }

    /// <summary>
    /// Waits for the lock; throws <see cref="CacheLockTimeoutException"/> once <paramref name="timeout"/> has passed,
    /// and <see cref="OperationCanceledException"/> as soon as <paramref name="cancellation"/> is cancelled.
    /// </summary>
    public static FileLock Acquire(ICacheFileSystem fileSystem, string path, TimeSpan timeout, CancellationToken cancellation = default)
    {
        Stopwatch waited = Stopwatch.StartNew();
        TimeSpan pause = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            if (TryOpen(fileSystem, path, out IOException? contention) is FileLock acquired)
            {
                return acquired;
            }

            if (waited.Elapsed >= timeout)
            {
                throw new CacheLockTimeoutException(path, timeout, contention);
            }

            if (cancellation.WaitHandle.WaitOne(pause))
            {
                cancellation.ThrowIfCancellationRequested();
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, s_longestPause.Ticks));
        }
    }

    /// <summary>The lock if it is free right now, else null; never waits.</summary>
    public static FileLock? TryAcquire(ICacheFileSystem fileSystem, string path) => TryOpen(fileSystem, path, out _);

    /// <summary>
    /// Null when another holder has the file open (<paramref name="contention"/> says how the OS refused). Only the
    /// open tells of another holder: a failure reading the counters is the disk's, and closes the file rather than
    /// keeping the OS lock until the garbage collector finds the handle.
    /// </summary>
    private static FileLock? TryOpen(ICacheFileSystem fileSystem, string path, out IOException? contention)
    {
        Stream stream;
        try
        {
            stream = fileSystem.OpenExclusive(path);
        }
        catch (IOException ex) when (!(ex is FileNotFoundException || ex is DirectoryNotFoundException))
        {
            contention = ex;
            return null;
        }

        contention = null;
        try
        {
            return new FileLock(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The counters, read without taking or waiting for the lock; zeros when there is no lock file yet, null when
    /// the OS refuses while a writer holds it (Windows share modes).
    /// </summary>
    /// <param name="buffer">At least <see cref="LockCounters.Size"/> bytes, reused by the caller.</param>
    public static LockCounters? ReadWithoutLocking(IUnlockedReader reader, byte[] buffer)
    {
        try
        {
            return LockCounters.Parse(buffer, reader.Read(buffer));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Announces a finished write to every other process.</summary>
    public void BumpGeneration() => Write(new LockCounters(Counters.Generation + 1, Counters.Epoch, Counters.Snapshot));

    public void BumpEpoch() => Write(new LockCounters(Counters.Generation, Counters.Epoch + 1, Counters.Snapshot));

    /// <summary>The journal starts over on a snapshot the module wrote, which the lock file now names as its own.</summary>
    public void StartEpoch(SnapshotIdentity snapshot) => Write(new LockCounters(Counters.Generation, Counters.Epoch + 1, snapshot));

    public void Dispose() => _stream.Dispose();

    private void Write(LockCounters counters)
    {
        counters.WriteTo(_buffer);
        _stream.Position = 0;
        _stream.Write(_buffer, 0, _buffer.Length);
        _stream.Flush();
        Counters = counters;
    }
}
