using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// Where <see cref="FaultyFileSystem"/> can make the disk fail: every operation persistence performs that a real
/// disk can refuse. Existence checks and stats are not among them: File.Exists and FileInfo report a file they
/// cannot see as missing instead of throwing.
/// </summary>
public enum FaultPoint
{
    /// <summary>Creating the cache directory.</summary>
    CreateDirectory,

    /// <summary>Reading a whole file at once: the snapshot.</summary>
    ReadAllBytes,

    /// <summary>Creating the snapshot's temp file.</summary>
    CreateNew,

    /// <summary>Opening a file to read and write in place: the journal.</summary>
    OpenReadWrite,

    /// <summary>Opening the lock file with its exclusive OS lock.</summary>
    OpenExclusive,

    /// <summary>Reading from an open file: the journal or the lock file's counters.</summary>
    Read,

    /// <summary>Writing to an open file: the first half of the bytes land, then the disk fails.</summary>
    Write,

    /// <summary>fsync.</summary>
    FlushToDisk,

    /// <summary>Cutting a file to a length, as when the journal is emptied after a compaction.</summary>
    SetLength,

    /// <summary>The rename that puts a new snapshot in place.</summary>
    Replace,

    /// <summary>The rename that keeps a damaged file aside.</summary>
    Move,

    /// <summary>Deleting a file: a temp file left by a failed or killed writer.</summary>
    Delete,

    /// <summary>Giving the new snapshot a second name (ai_responses.json.module), as a file system without hard links refuses.</summary>
    CreateHardLink,

    /// <summary>Listing the cache directory, to find abandoned temp files.</summary>
    EnumerateFiles,

    /// <summary>Opening a file to read it without the lock, as every read does.</summary>
    OpenRead,

    /// <summary>Reading the lock file's counters without the lock.</summary>
    ReadWithoutLocking,
}

/// <summary>How an injected fault fails: as a full disk does, or as the operating system refusing access.</summary>
public enum FaultKind
{
    DiskFull,
    AccessDenied,
}

/// <summary>The real disk, except where a test asks an operation to fail.</summary>
internal sealed class FaultyFileSystem : ICacheFileSystem
{
    private readonly ICacheFileSystem _disk = PhysicalFileSystem.Instance;
    private readonly object _gate = new();
    private readonly List<(FaultPoint Point, string PathSuffix, FaultKind Kind)> _faults = new();
    private int _injected;

    /// <summary>Called with the destination each time a new file was put in place, so a test can look at every version another process could have read.</summary>
    public Action<string>? AfterReplace { get; set; }

    /// <summary>Called with the path each time a file written through this disk was pushed to it: for a temp snapshot, the moment before it is put in place.</summary>
    public Action<string>? AfterFlushToDisk { get; set; }

    /// <summary>Called each time the OS refused to open the lock file because another holder has it: a writer is waiting for the lock.</summary>
    public Action? AfterLockRefused { get; set; }

    /// <summary>How many times a fault was actually raised.</summary>
    public int FaultsInjected => Volatile.Read(ref _injected);

    /// <summary>Makes <paramref name="point"/> fail for files whose path ends with <paramref name="pathSuffix"/> (any file when empty).</summary>
    public void Fail(FaultPoint point, string pathSuffix = "", FaultKind kind = FaultKind.DiskFull)
    {
        lock (_gate)
        {
            _faults.Add((point, pathSuffix, kind));
        }
    }

    public void Heal()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public bool FileExists(string path) => _disk.FileExists(path);

    public void CreateDirectory(string path)
    {
        ThrowIfFailing(FaultPoint.CreateDirectory, path);
        _disk.CreateDirectory(path);
    }

    public void EnsureTrusted(string directory) => _disk.EnsureTrusted(directory);

    public FileSignature GetSignature(string path) => _disk.GetSignature(path);

    public byte[] ReadAllBytes(string path)
    {
        ThrowIfFailing(FaultPoint.ReadAllBytes, path);
        return _disk.ReadAllBytes(path);
    }

    public Stream CreateNew(string path)
    {
        ThrowIfFailing(FaultPoint.CreateNew, path);
        return new FaultyStream(this, _disk.CreateNew(path), path);
    }

    public void FlushToDisk(Stream stream)
    {
        if (stream is FaultyStream faulty)
        {
            ThrowIfFailing(FaultPoint.FlushToDisk, faulty.Path);
            _disk.FlushToDisk(faulty.Inner);
            AfterFlushToDisk?.Invoke(faulty.Path);
            return;
        }

        _disk.FlushToDisk(stream);
    }

    public void Replace(string source, string destination)
    {
        ThrowIfFailing(FaultPoint.Replace, destination);
        _disk.Replace(source, destination);
        AfterReplace?.Invoke(destination);
    }

    public void Move(string source, string destination)
    {
        ThrowIfFailing(FaultPoint.Move, source);
        _disk.Move(source, destination);
    }

    public void Delete(string path)
    {
        ThrowIfFailing(FaultPoint.Delete, path);
        _disk.Delete(path);
    }

    public void CreateHardLink(string existing, string link)
    {
        ThrowIfFailing(FaultPoint.CreateHardLink, link);
        _disk.CreateHardLink(existing, link);
    }

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern)
    {
        ThrowIfFailing(FaultPoint.EnumerateFiles, directory);
        return _disk.EnumerateFiles(directory, searchPattern);
    }

    public Stream OpenReadWrite(string path)
    {
        ThrowIfFailing(FaultPoint.OpenReadWrite, path);
        return new FaultyStream(this, _disk.OpenReadWrite(path), path);
    }

    public Stream OpenExclusive(string path)
    {
        ThrowIfFailing(FaultPoint.OpenExclusive, path);
        try
        {
            return new FaultyStream(this, _disk.OpenExclusive(path), path);
        }
        catch (IOException)
        {
            AfterLockRefused?.Invoke();
            throw;
        }
    }

    public bool DirectoryExists(string path) => _disk.DirectoryExists(path);

    public Stream OpenRead(string path)
    {
        ThrowIfFailing(FaultPoint.OpenRead, path);
        return new FaultyStream(this, _disk.OpenRead(path), path);
    }

    public IUnlockedReader OpenWithoutLocking(string path) => new FaultyUnlockedReader(this, _disk.OpenWithoutLocking(path), path);

    private FaultKind? FaultFor(FaultPoint point, string path)
    {
        lock (_gate)
        {
            foreach ((FaultPoint Point, string PathSuffix, FaultKind Kind) fault in _faults)
            {
                if (fault.Point == point && path.EndsWith(fault.PathSuffix, StringComparison.Ordinal))
                {
                    return fault.Kind;
                }
            }

            return null;
        }
    }

    private void ThrowIfFailing(FaultPoint point, string path)
    {
        if (FaultFor(point, path) is FaultKind kind)
        {
            Interlocked.Increment(ref _injected);
            throw kind == FaultKind.AccessDenied
                ? new UnauthorizedAccessException($"Access to the path '{path}' is denied.")
                : new IOException($"No space left on device : '{path}'", unchecked((int)0x80070070));
        }
    }

    /// <summary>Passes everything through to the real file, except the operations a fault applies to.</summary>
    private sealed class FaultyStream : Stream
    {
        private readonly FaultyFileSystem _owner;

        public FaultyStream(FaultyFileSystem owner, Stream inner, string path)
        {
            _owner = owner;
            Inner = inner;
            Path = path;
        }

        public Stream Inner { get; }

        public string Path { get; }

        public override bool CanRead => Inner.CanRead;

        public override bool CanSeek => Inner.CanSeek;

        public override bool CanWrite => Inner.CanWrite;

        public override long Length => Inner.Length;

        public override long Position
        {
            get => Inner.Position;
            set => Inner.Position = value;
        }

        public override void Flush() => Inner.Flush();

        public override int Read(byte[] buffer, int offset, int count)
        {
            _owner.ThrowIfFailing(FaultPoint.Read, Path);
            return Inner.Read(buffer, offset, count);
        }

        public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);

        public override void SetLength(long value)
        {
            _owner.ThrowIfFailing(FaultPoint.SetLength, Path);
            Inner.SetLength(value);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_owner.FaultFor(FaultPoint.Write, Path) is not null)
            {
                Inner.Write(buffer, offset, count / 2);
                Inner.Flush();
                _owner.ThrowIfFailing(FaultPoint.Write, Path);
            }

            Inner.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The real reader, failing each read while its file system says so.</summary>
    private sealed class FaultyUnlockedReader : IUnlockedReader
    {
        private readonly FaultyFileSystem _disk;
        private readonly IUnlockedReader _reader;
        private readonly string _path;

        public FaultyUnlockedReader(FaultyFileSystem disk, IUnlockedReader reader, string path)
        {
            _disk = disk;
            _reader = reader;
            _path = path;
        }

        public int Read(byte[] buffer)
        {
            _disk.ThrowIfFailing(FaultPoint.ReadWithoutLocking, _path);
            return _reader.Read(buffer);
        }

        public void Reopen() => _reader.Reopen();

        public void Dispose() => _reader.Dispose();
    }
}
