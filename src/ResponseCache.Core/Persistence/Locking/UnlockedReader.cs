using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Reads the start of a file without the OS lock .NET takes on every open on Unix (flock LOCK_SH, which fails while
/// a writer holds LOCK_EX and would make that writer retry): plain open(2) and pread(2), of a regular file only
/// (<see cref="RegularFile"/>). Every hit reads the lock file's counters, so on Linux the descriptor stays open
/// (close-on-exec, so a started process does not inherit it) and a read is a statx(2) of it (still linked?) and one
/// pread(2), until <see cref="Reopen"/> (the caller's, whenever anything looked changed), a failed read or a lock
/// file deleted. A plain descriptor takes no lock, so writers
/// never wait for it. On Windows a shared open each time: a handle kept open there would refuse the writer's
/// share-none open; it fails while a writer holds the file share-none, which callers treat as "unknown".
/// </summary>
internal sealed class UnlockedReader : IUnlockedReader
{
    private readonly string _path;
    private Descriptor? _descriptor;

    public UnlockedReader(string path) => _path = path;

    public int Read(byte[] buffer)
    {
        if (Platform.IsWindows)
        {
            return ReadShared(buffer);
        }

        // A lock file deleted by hand (a new one is made by the next writer) would keep its last counters forever.
        if (_descriptor is not null && !StillLinked(_descriptor))
        {
            Dispose();
        }

        if (_descriptor is null)
        {
            try
            {
                _descriptor = new Descriptor(RegularFile.OpenDescriptor(_path, FileAccess.Read));
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return 0;
            }
            catch (UnauthorizedAccessException ex) when (!(ex is NotARegularFileException))
            {
                // A lock file this user may not read leaves the counters unknown, as any refusal does; a FIFO there is refused.
                throw new IOException(ex.Message, ex);
            }
        }

        long count = pread(_descriptor.Number, buffer, (nint)buffer.Length, 0);
        if (count < 0)
        {
            int error = Marshal.GetLastWin32Error();
            Dispose();
            throw new IOException($"Could not read '{_path}' (errno {error}).");
        }

        return (int)count;
    }

    public void Reopen() => Dispose();

    /// <summary>Only where statx(2) can tell (Linux) is a descriptor kept; elsewhere each read opens the file again.</summary>
    private static bool StillLinked(Descriptor descriptor) =>
        Platform.IsLinux && LinuxFileSignature.LinkCount(descriptor.Number) is > 0;

    public void Dispose()
    {
        _descriptor?.Dispose();
        _descriptor = null;
    }

    private int ReadShared(byte[] buffer)
    {
        try
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            return StreamReading.ReadAtMost(stream, buffer);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
        {
            return 0;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint pread(int descriptor, byte[] buffer, nint count, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);

    /// <summary>An open descriptor that the finalizer closes if no one disposed its reader: engines are dropped, not disposed.</summary>
    private sealed class Descriptor : SafeHandleMinusOneIsInvalid
    {
        public Descriptor(int number)
            : base(ownsHandle: true) => SetHandle((IntPtr)number);

        public int Number => (int)handle;

        protected override bool ReleaseHandle() => close((int)handle) == 0;
    }
}
