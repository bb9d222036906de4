using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// A file of the module's own beside the cache file (ai_responses.json plus a suffix), which the Python reference
/// never reads and never rewrites. Changed only under the cache's lock and only ever replaced whole, so it is read
/// without the lock.
/// </summary>
internal sealed class SidecarFile
{
    private readonly ICacheFileSystem _fileSystem;
    private readonly string _description;

    public SidecarFile(string cacheFilePath, string suffix, string description, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + suffix;
        _description = description;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    public bool Exists => _fileSystem.FileExists(Path);

    /// <summary>
    /// What the file holds, as <paramref name="parse"/> reads it; <paramref name="empty"/> when there is no file, or
    /// when parse refuses it (a <see cref="FormatException"/>), which <paramref name="damage"/> then says.
    /// </summary>
    public T Load<T>(Func<byte[], T> parse, Func<T> empty, out string? damage)
    {
        damage = null;
        if (!Exists)
        {
            return empty();
        }

        byte[] bytes = FileOperation.Run(Path, "read the " + _description, () => _fileSystem.ReadAllBytes(Path));
        try
        {
            return parse(bytes);
        }
        catch (FormatException ex)
        {
            damage = ex.Message;
            return empty();
        }
    }

    /// <summary>Under the cache's lock: replaces the file with <paramref name="contents"/>, atomically.</summary>
    public void Replace(byte[] contents)
    {
        AtomicFile.RemoveAbandoned(_fileSystem, Path);
        AtomicFile.Write(_fileSystem, Path, _description, stream => stream.Write(contents, 0, contents.Length));
    }

    /// <summary>Under the cache's lock: keeps a damaged file for a person to look at (see <see cref="DamagedFiles"/>); returns its new name.</summary>
    public string SetAside(DateTimeOffset now) => DamagedFiles.SetAside(_fileSystem, Path, now);

    /// <summary>Under the cache's lock: removes the file, if there is one.</summary>
    public void Delete()
    {
        AtomicFile.RemoveAbandoned(_fileSystem, Path);
        if (Exists)
        {
            FileOperation.Run(Path, "remove the " + _description, () => _fileSystem.Delete(Path));
        }
    }
}
