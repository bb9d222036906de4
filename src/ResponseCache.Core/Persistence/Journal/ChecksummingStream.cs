using System;
using System.IO;
using System.IO.Hashing;

namespace ResponseCache.Core.Persistence;

/// <summary>Writes through to another stream and keeps the XxHash64 and length of everything written: a new snapshot's identity, without reading it back.</summary>
internal sealed class ChecksummingStream : Stream
{
    private readonly Stream _inner;
    private readonly XxHash64 _hash = new XxHash64();
    private long _length;

    public ChecksummingStream(Stream inner) => _inner = inner;

    public SnapshotIdentity Identity => new SnapshotIdentity(_length, _hash.GetCurrentHashAsUInt64());

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _inner.Write(buffer, offset, count);
        _hash.Append(buffer.AsSpan(offset, count));
        _length += count;
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
