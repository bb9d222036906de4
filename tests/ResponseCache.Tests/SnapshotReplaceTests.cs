using ResponseCache.Core.Persistence;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// The decision logic of the snapshot replace (Windows: MoveFileEx), on Linux through the file-system seam: retry
/// sharing violations briefly, and never delete the temp file while the cache file is missing.
/// </summary>
public sealed class SnapshotReplaceTests : CacheTestBase
{
    private readonly ScriptedReplaceFileSystem _disk = new();
    private readonly List<TimeSpan> _pauses = new();

    private string TempFile => CacheFile + ".0123456789abcdef.tmp";

    private void Run(bool accessDeniedIsTransient = true) =>
        SnapshotReplace.Run(_disk, TempFile, CacheFile, accessDeniedIsTransient, _pauses.Add);

    private void WriteFiles(bool withCacheFile)
    {
        Directory.CreateDirectory(CacheDirectory);
        File.WriteAllText(TempFile, "new");
        if (withCacheFile)
        {
            File.WriteAllText(CacheFile, "old");
        }
    }

    private static IOException SharingViolation() => new("The process cannot access the file because it is being used by another process.", unchecked((int)0x80070020));

    [Fact]
    public void A_file_held_briefly_by_a_scanner_is_replaced_after_short_pauses()
    {
        WriteFiles(withCacheFile: true);
        _disk.ReplaceFailures.Enqueue(SharingViolation());
        _disk.ReplaceFailures.Enqueue(new UnauthorizedAccessException("Access is denied."));

        Run();

        Assert.Equal("new", File.ReadAllText(CacheFile));
        Assert.False(File.Exists(TempFile));
        Assert.Equal(2, _pauses.Count);
        Assert.True(_pauses.Sum(pause => pause.TotalMilliseconds) < 100, "The pauses must stay short.");
    }

    [Fact]
    public void A_file_held_for_good_fails_after_a_bounded_number_of_attempts_and_keeps_the_old_cache_file()
    {
        WriteFiles(withCacheFile: true);
        for (int i = 0; i < SnapshotReplace.Attempts + 5; i++)
        {
            _disk.ReplaceFailures.Enqueue(SharingViolation());
        }

        Assert.Throws<IOException>(() => Run());

        Assert.Equal(SnapshotReplace.Attempts, _disk.ReplaceAttempts);
        Assert.Equal("old", File.ReadAllText(CacheFile));
        Assert.False(File.Exists(TempFile));
    }

    [Fact]
    public void A_full_disk_is_not_retried()
    {
        WriteFiles(withCacheFile: true);
        _disk.ReplaceFailures.Enqueue(new IOException("No space left on device", unchecked((int)0x80070070)));

        Assert.Throws<IOException>(() => Run());

        Assert.Equal(1, _disk.ReplaceAttempts);
        Assert.Empty(_pauses);
    }

    [Fact]
    public void Access_denied_is_retried_only_where_it_can_mean_a_held_file()
    {
        WriteFiles(withCacheFile: true);
        _disk.ReplaceFailures.Enqueue(new UnauthorizedAccessException("Permission denied"));

        Assert.Throws<UnauthorizedAccessException>(() => Run(accessDeniedIsTransient: false));

        Assert.Equal(1, _disk.ReplaceAttempts);
    }

    [Fact]
    public void When_the_cache_file_is_missing_a_failed_replace_moves_the_temp_file_into_place()
    {
        WriteFiles(withCacheFile: false);
        _disk.ReplaceFailures.Enqueue(new IOException("The replace failed half way."));

        Run();

        Assert.Equal("new", File.ReadAllText(CacheFile));
        Assert.False(File.Exists(TempFile));
    }

    [Fact]
    public void When_the_cache_file_is_missing_and_nothing_works_the_temp_file_is_kept()
    {
        WriteFiles(withCacheFile: false);
        _disk.ReplaceFailures.Enqueue(new IOException("The replace failed half way."));
        _disk.MoveFails = true;

        Assert.Throws<IOException>(() => Run());

        Assert.Equal("new", File.ReadAllText(TempFile));
        Assert.False(File.Exists(CacheFile));
    }

    [Fact]
    public void An_abandoned_temp_file_is_not_deleted_while_the_cache_file_is_missing()
    {
        WriteFiles(withCacheFile: false);

        new SnapshotFile(CacheDirectory, _disk).RemoveAbandonedTempFiles();

        Assert.True(File.Exists(TempFile));
    }

    /// <summary>The real disk, with replaces that fail as scripted and moves that can be made to fail.</summary>
    private sealed class ScriptedReplaceFileSystem : ICacheFileSystem
    {
        private readonly ICacheFileSystem _disk = PhysicalFileSystem.Instance;

        public Queue<Exception> ReplaceFailures { get; } = new();

        public int ReplaceAttempts { get; private set; }

        public bool MoveFails { get; set; }

        public void Replace(string source, string destination)
        {
            ReplaceAttempts++;
            if (ReplaceFailures.Count > 0)
            {
                throw ReplaceFailures.Dequeue();
            }

            _disk.Replace(source, destination);
        }

        public void Move(string source, string destination)
        {
            if (MoveFails)
            {
                throw new IOException("The move failed too.");
            }

            _disk.Move(source, destination);
        }

        public bool FileExists(string path) => _disk.FileExists(path);

        public bool DirectoryExists(string path) => _disk.DirectoryExists(path);

        public void CreateDirectory(string path) => _disk.CreateDirectory(path);

        public void EnsureTrusted(string directory) => _disk.EnsureTrusted(directory);

        public FileSignature GetSignature(string path) => _disk.GetSignature(path);

        public byte[] ReadAllBytes(string path) => _disk.ReadAllBytes(path);

        public Stream CreateNew(string path) => _disk.CreateNew(path);

        public void FlushToDisk(Stream stream) => _disk.FlushToDisk(stream);

        public void Delete(string path) => _disk.Delete(path);

        public void CreateHardLink(string existing, string link) => _disk.CreateHardLink(existing, link);

        public IEnumerable<string> EnumerateFiles(string directory, string searchPattern) => _disk.EnumerateFiles(directory, searchPattern);

        public Stream OpenReadWrite(string path) => _disk.OpenReadWrite(path);

        public Stream OpenExclusive(string path) => _disk.OpenExclusive(path);

        public Stream OpenRead(string path) => _disk.OpenRead(path);

        public IUnlockedReader OpenWithoutLocking(string path) => _disk.OpenWithoutLocking(path);
    }
}
