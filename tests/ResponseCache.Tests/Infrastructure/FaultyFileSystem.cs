using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Where <see cref="FaultyFileSystem"/> can make the disk fail.</summary>
public enum FaultPoint
{
    /// <summary>Creating the snapshot's temp file.</summary>
    CreateNew,

    /// <summary>Writing to a file: the first half of the bytes land, then the disk is full.</summary>
    Write,

    /// <summary>fsync.</summary>
    FlushToDisk,

    /// <summary>The rename that puts a new snapshot in place.</summary>
    Replace,

    /// <summary>Cutting a file to a length, as when the journal is emptied after a compaction.</summary>
    SetLength,
}

/// <summary>
/// The real disk, except where a test asks an operation to fail as a full disk does. Counts replaces so tests
/// can tell whether the snapshot was rewritten.
/// </summary>
internal sealed class FaultyFileSystem : ICacheFileSystem
{
    private readonly ICacheFileSystem _disk = PhysicalFileSystem.Instance;
    private readonly object _gate = new();
    private readonly List<(FaultPoint Point, string PathSuffix)> _faults = new();
    private int _replaces;
    private int _injected;

    /// <summary>Snapshot replaces that succeeded.</summary>
    public int Replaces => Volatile.Read(ref _replaces);

    /// <summary>How many times a fault was actually raised.</summary>
    public int FaultsInjected => Volatile.Read(ref _injected);

    /// <summary>Makes <paramref name="point"/> fail for files whose path ends with <paramref name="pathSuffix"/> (any file when empty).</summary>
    public void Fail(FaultPoint point, string pathSuffix = "")
    {
        lock (_gate)
        {
            _faults.Add((point, pathSuffix));
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

    public void CreateDirectory(string path) => _disk.CreateDirectory(path);

    public FileSignature GetSignature(string path) => _disk.GetSignature(path);

    public byte[] ReadAllBytes(string path) => _disk.ReadAllBytes(path);

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
            return;
        }

        _disk.FlushToDisk(stream);
    }

    public void Replace(string source, string destination)
    {
        ThrowIfFailing(FaultPoint.Replace, destination);
        _disk.Replace(source, destination);
        if (destination.EndsWith("ai_responses.json", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _replaces);
        }
    }

    public void Move(string source, string destination) => _disk.Move(source, destination);

    public void Delete(string path) => _disk.Delete(path);

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern) => _disk.EnumerateFiles(directory, searchPattern);

    public Stream OpenReadWrite(string path) => new FaultyStream(this, _disk.OpenReadWrite(path), path);

    public Stream OpenExclusive(string path) => _disk.OpenExclusive(path);

    private bool IsFailing(FaultPoint point, string path)
    {
        lock (_gate)
        {
            return _faults.Any(fault => fault.Point == point && path.EndsWith(fault.PathSuffix, StringComparison.Ordinal));
        }
    }

    private void ThrowIfFailing(FaultPoint point, string path)
    {
        if (IsFailing(point, path))
        {
            Interlocked.Increment(ref _injected);
            throw DiskFull(path);
        }
    }

    private static IOException DiskFull(string path) => new($"No space left on device : '{path}'", unchecked((int)0x80070070));

    /// <summary>Passes everything through to the real file, except writes while a <see cref="FaultPoint.Write"/> fault applies.</summary>
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

        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);

        public override void SetLength(long value)
        {
            _owner.ThrowIfFailing(FaultPoint.SetLength, Path);
            Inner.SetLength(value);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_owner.IsFailing(FaultPoint.Write, Path))
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
}
