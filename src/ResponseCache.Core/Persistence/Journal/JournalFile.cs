using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json.journal: the changes made since the snapshot was last written, appended and pushed to the
/// disk one line per call. Writers hold the cache's lock; readers need none, since a line is appended whole or fails
/// its checksum.
/// </summary>
internal sealed class JournalFile
{
    public const string Suffix = ".journal";

    private readonly ICacheFileSystem _fileSystem;

    public JournalFile(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + Suffix;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    public FileSignature Probe() => _fileSystem.GetSignature(Path);

    /// <summary>Decodes the journal from <paramref name="offset"/> (the end of what was read before) to its end.</summary>
    public JournalContent ReadFrom(long offset)
    {
        if (!_fileSystem.FileExists(Path))
        {
            return JournalCodec.Decode(ReadOnlySpan<byte>.Empty);
        }

        byte[] bytes = FileOperation.Run(Path, "read the cache journal", () =>
        {
            using Stream stream = OpenIfPresent();
            if (stream == Stream.Null)
            {
                return Array.Empty<byte>();
            }

            long length = Math.Max(0, stream.Length - offset);
            var buffer = new byte[length];
            stream.Position = offset;
            int read = StreamReading.ReadAtMost(stream, buffer);
            return read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
        });
        return JournalCodec.Decode(bytes);
    }

    /// <summary>
    /// Writes <paramref name="line"/> at <paramref name="offset"/> (cutting off whatever a crash left after it) and pushes
    /// it to the disk. If that fails, the journal is cut back to <paramref name="offset"/> so the failed call leaves no trace.
    /// </summary>
    public void Append(byte[] line, long offset)
    {
        FileOperation.Run(Path, "append to the cache journal", () =>
        {
            using Stream stream = _fileSystem.OpenReadWrite(Path);
            try
            {
                stream.Position = offset;
                stream.Write(line, 0, line.Length);
                if (stream.Length != offset + line.Length)
                {
                    stream.SetLength(offset + line.Length);
                }

                _fileSystem.FlushToDisk(stream);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                TryCutBack(stream, offset);
                throw;
            }
        });
    }

    /// <summary>Cuts the journal to <paramref name="length"/> bytes, durably.</summary>
    public void Truncate(long length)
    {
        FileOperation.Run(Path, "truncate the cache journal", () =>
        {
            using Stream stream = _fileSystem.OpenReadWrite(Path);
            if (stream.Length != length)
            {
                stream.SetLength(length);
                _fileSystem.FlushToDisk(stream);
            }
        });
    }

    // The journal may be emptied and removed by a compaction between the check above and this open.
    private Stream OpenIfPresent()
    {
        try
        {
            return _fileSystem.OpenRead(Path);
        }
        catch (FileNotFoundException)
        {
            return Stream.Null;
        }
    }

    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, Path, now);

    private static void TryCutBack(Stream stream, long offset)
    {
        try
        {
            stream.SetLength(offset);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // The partial line fails its checksum, so the next reader drops it anyway.
        }
    }
}
