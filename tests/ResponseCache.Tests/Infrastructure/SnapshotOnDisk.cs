namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// The cache file as a person or a sync tool sees it: its bytes and when it was last written. A rewrite shows in
/// the write time even when it writes the same bytes.
/// </summary>
internal sealed class SnapshotOnDisk
{
    private readonly string _path;
    private readonly byte[] _bytes;
    private readonly DateTime _lastWrite;

    private SnapshotOnDisk(string path)
    {
        _path = path;
        _bytes = File.ReadAllBytes(path);
        _lastWrite = File.GetLastWriteTimeUtc(path);
    }

    public static SnapshotOnDisk Of(string path) => new(path);

    public bool IsUntouched() => File.GetLastWriteTimeUtc(_path) == _lastWrite && File.ReadAllBytes(_path).AsSpan().SequenceEqual(_bytes);

    public void AssertUntouched()
    {
        Assert.Equal(_bytes, File.ReadAllBytes(_path));
        Assert.Equal(_lastWrite, File.GetLastWriteTimeUtc(_path));
    }
}
