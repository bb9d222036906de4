using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The cross-process lock of one cache directory: an OS lock (flock on Unix, a share-none handle on Windows) on a
/// lock file beside the cache file. The OS drops it when its holder dies, so a killed process never blocks anyone.
/// The file carries two counters that tell the next holder exactly what changed since it last looked, even when a
/// stat could not (same size, same clock tick): the generation (bumped by every write) and the epoch (bumped when
/// the journal is folded into a new snapshot, so readers know their journal offset no longer applies).
/// </summary>
internal sealed class FileLock : IDisposable
{
    private const int CounterCount = 2;
    private static readonly TimeSpan s_longestPause = TimeSpan.FromMilliseconds(50);

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[CounterCount * sizeof(long)];

    private FileLock(Stream stream)
    {
        _stream = stream;
        ReadCounters();
    }

    /// <summary>The number of writes any process has made under this lock file.</summary>
    public long Generation { get; private set; }

    /// <summary>The number of compactions (snapshot rewritten, journal emptied).</summary>
    public long Epoch { get; private set; }

    /// <summary>Waits for the lock; throws <see cref="CacheLockTimeoutException"/> once <paramref name="timeout"/> has passed.</summary>
    public static FileLock Acquire(ICacheFileSystem fileSystem, string path, TimeSpan timeout)
    {
        Stopwatch waited = Stopwatch.StartNew();
        TimeSpan pause = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            Stream? stream = null;
            try
            {
                stream = fileSystem.OpenExclusive(path);
            }
            catch (IOException ex) when (!(ex is FileNotFoundException || ex is DirectoryNotFoundException))
            {
                if (waited.Elapsed >= timeout)
                {
                    throw new CacheLockTimeoutException(path, timeout, ex);
                }
            }

            // Only the open tells of another holder; a failure reading the counters is the disk's, and must not keep
            // the OS lock until the garbage collector finds the handle.
            if (stream is not null)
            {
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

            Thread.Sleep(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, s_longestPause.Ticks));
        }
    }

    /// <summary>Announces a write to every other process; called before the write so a crash mid-write still announces it.</summary>
    public void BumpGeneration()
    {
        Generation++;
        WriteCounters();
    }

    public void BumpEpoch()
    {
        Epoch++;
        WriteCounters();
    }

    public void Dispose() => _stream.Dispose();

    private void ReadCounters()
    {
        _stream.Position = 0;
        int read = StreamReading.ReadAtMost(_stream, _buffer);
        Array.Clear(_buffer, read, _buffer.Length - read);
        Generation = ReadCounter(0);
        Epoch = ReadCounter(1);
    }

    private void WriteCounters()
    {
        WriteCounter(0, Generation);
        WriteCounter(1, Epoch);
        _stream.Position = 0;
        _stream.Write(_buffer, 0, _buffer.Length);
        _stream.Flush();
    }

    private long ReadCounter(int index)
    {
        long value = 0;
        for (int i = sizeof(long) - 1; i >= 0; i--)
        {
            value = (value << 8) | _buffer[(index * sizeof(long)) + i];
        }

        return value;
    }

    private void WriteCounter(int index, long value)
    {
        for (int i = 0; i < sizeof(long); i++)
        {
            _buffer[(index * sizeof(long)) + i] = (byte)(value >> (8 * i));
        }
    }
}
