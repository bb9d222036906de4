using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// ai_responses.json.module: the snapshot this module last put in place, kept under a second name so that, once a
/// program that takes no lock has rewritten ai_responses.json, the module still knows what it had written there
/// (see <see cref="ForeignRewrite.Reconcile"/>). A hard link, so keeping it costs no bytes while nobody else writes;
/// a copy where the file system has no hard links (FAT, most network shares). It counts only while its identity is
/// the one the lock file records as the module's last snapshot: a missing, damaged, stale or planted file is no record.
/// </summary>
internal sealed class ModuleSnapshotFile
{
    public const string Suffix = ".module";

    private readonly ICacheFileSystem _fileSystem;

    public ModuleSnapshotFile(string cacheFilePath, ICacheFileSystem fileSystem)
    {
        Path = cacheFilePath + Suffix;
        _fileSystem = fileSystem;
    }

    public string Path { get; }

    /// <summary>
    /// Under the lock, with the finished temp snapshot, before it is put in place: a crash after the rename must not
    /// leave the previous snapshot here under an identity the lock file still names. Never fails the write: without
    /// this file the module only knows less after a foreign rewrite.
    /// </summary>
    public void Keep(string tempSnapshotPath)
    {
        try
        {
            if (_fileSystem.FileExists(Path))
            {
                _fileSystem.Delete(Path);
            }

            try
            {
                _fileSystem.CreateHardLink(tempSnapshotPath, Path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                byte[] bytes = _fileSystem.ReadAllBytes(tempSnapshotPath);
                using Stream copy = _fileSystem.CreateNew(Path);
                copy.Write(bytes, 0, bytes.Length);
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // A partial copy's identity names no snapshot: it is no record, as a missing file is.
        }
    }

    /// <summary>The module's last snapshot, if this file still is the one <paramref name="recorded"/> names; else null.</summary>
    public ModuleSnapshot? Load(SnapshotIdentity recorded)
    {
        try
        {
            FileSignature signature = _fileSystem.GetSignature(Path);
            if (!signature.Exists || signature.Length != recorded.Length)
            {
                return null;
            }

            byte[] bytes = _fileSystem.ReadAllBytes(Path);
            if (SnapshotFile.IdentityOf(bytes) != recorded)
            {
                return null;
            }

            SnapshotContent content = SnapshotReader.Read(bytes);
            if (content.IsDamaged)
            {
                return null;
            }

            double writtenAt = UnixTime.ToSeconds(new DateTimeOffset(signature.LastWriteTicksUtc, TimeSpan.Zero));
            return new ModuleSnapshot(content.Entries, writtenAt);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return null;
        }
    }
}
