using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// The engine's only way to the disk: the snapshot (ai_responses.json, the reference's format), the journal beside
/// it, and the lock over both. A call's changes are appended to the journal as one line, so a set costs one small
/// fsynced append however large the cache; the journal is folded into a new snapshot (compaction) once it outgrows
/// a quarter of the snapshot. Caches small enough to rewrite cheaply are compacted on every call, so their snapshot
/// alone is always complete and the Python reference reads everything.
/// </summary>
internal sealed class CacheFiles
{
    /// <summary>Caches up to this size are rewritten whole on every change; larger ones use the journal.</summary>
    public const long SmallCacheBytes = 256 * 1024;

    private const int CompactionDivisor = 4;

    private readonly ICacheFileSystem _fileSystem;
    private readonly SnapshotFile _snapshot;
    private readonly JournalFile _journal;
    private readonly TimeSpan _lockTimeout;
    private readonly IUnlockedReader _counters;
    private readonly byte[] _countersBuffer = new byte[LockCounters.Size];

    /// <summary>How often a read without the lock looks again when writers keep finishing while it reads.</summary>
    private const int ReadAttempts = 4;

    // What this process last saw of the disk; valid while the engine's memory is.
    private FileSignature _seenSnapshot;
    private FileSignature _seenJournal;
    private LockCounters? _seenCounters;
    private long _journalEnd;
    private SnapshotIdentity _snapshotIdentity;

    // Temp files a killed writer left are swept under the lock: on this store's first change (its loads may all have
    // been without the lock), after a full reload, and after a snapshot write of its own failed.
    private bool _tempFilesSwept;

    // Whether the directory was found private (checked once, on the first use that finds it, never on each hit).
    private bool _directoryTrusted;

    public CacheFiles(string directory, ICacheFileSystem fileSystem, TimeSpan lockTimeout)
    {
        _fileSystem = fileSystem;
        _snapshot = new SnapshotFile(directory, fileSystem);
        _journal = new JournalFile(_snapshot.CacheFilePath, fileSystem);
        _lockTimeout = lockTimeout;
        LockFilePath = _snapshot.CacheFilePath + ".lock";
        _counters = fileSystem.OpenWithoutLocking(LockFilePath);
    }

    public string CacheFilePath => _snapshot.CacheFilePath;

    public string DirectoryPath => _snapshot.Directory;

    public string LockFilePath { get; }

    /// <summary>Bytes the cache takes on disk: snapshot plus journal.</summary>
    public long SizeOnDisk => _snapshot.Probe().Length + _journal.Probe().Length;

    /// <summary>The directory holds entries on disk: a snapshot or a journal (a lock file alone holds none).</summary>
    public bool HoldsEntries => _snapshot.Probe().Exists || _journal.Probe().Exists;

    /// <summary>Entries in ai_responses.json as this process last read or wrote it: what the Python reference counts.</summary>
    public int SnapshotEntries { get; private set; }

    /// <summary>
    /// How many entries ai_responses.json held the last time this process found it rewritten by another program
    /// (a snapshot the lock file does not name as the module's); null until then.
    /// </summary>
    public int? ForeignRewriteEntries { get; private set; }

    /// <summary>The journal has changes the snapshot lacks (as this process last saw the files): the Python reference does not see them yet.</summary>
    public bool JournalHoldsChanges => _journalEnd > 0;

    /// <summary>
    /// A read without the lock found something only a writer may fix (damage to keep aside, a byte-order mark, a
    /// journal to apply again over another program's rewrite); the next holder of the lock rebuilds and rewrites.
    /// </summary>
    public bool RepairPending { get; private set; }

    /// <summary>
    /// Refuses a directory another user could write to (<see cref="CacheDirectoryNotPrivateException"/>) before
    /// anything in it is read or written. A directory not created yet is looked at once it is there.
    /// </summary>
    public void EnsureDirectoryTrusted()
    {
        if (_directoryTrusted || !_fileSystem.DirectoryExists(_snapshot.Directory))
        {
            return;
        }

        _fileSystem.EnsureTrusted(_snapshot.Directory);
        _directoryTrusted = true;
    }

    /// <summary>Waits for the lock; the directory and the lock file are created here, on the first change.</summary>
    public FileLock Lock(CancellationToken cancellation = default)
    {
        FileOperation.Run(_snapshot.Directory, "create the cache directory", () => _fileSystem.CreateDirectory(_snapshot.Directory));
        EnsureDirectoryTrusted();
        return FileOperation.Run(LockFilePath, "open the cache lock file", () => FileLock.Acquire(_fileSystem, LockFilePath, _lockTimeout, cancellation));
    }

    /// <summary>
    /// The lock if it is free right now, for what a read would like to write; null when it is busy, when there is no
    /// cache directory yet, or when this user may not write there (a shared read-only cache). Creates nothing but the lock file.
    /// </summary>
    public FileLock? TryLock()
    {
        if (!_fileSystem.DirectoryExists(_snapshot.Directory))
        {
            return null;
        }

        EnsureDirectoryTrusted();
        try
        {
            return FileLock.TryAcquire(_fileSystem, LockFilePath);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// What others changed since this process last looked, without taking or waiting for the lock and without
    /// writing anything. Unchanged files cost a read of the lock file's counters and a stat of the snapshot. The
    /// counters are read before and after the files: when a writer finished in between, the files are read again
    /// (a few times at most; then what was read is used and the next call looks again).
    /// </summary>
    /// <param name="unchanged">True when the counters and the snapshot's stat were as last seen: nothing was read.</param>
    public DiskChanges ReadWithoutLock(bool memoryIsCurrent, out bool unchanged)
    {
        unchanged = false;
        for (int attempt = 1; ; attempt++)
        {
            LockCounters? before = FileLock.ReadWithoutLocking(_counters, _countersBuffer);
            FileSignature snapshot = _snapshot.Probe();
            if (memoryIsCurrent && snapshot == _seenSnapshot
                && (before is LockCounters counters ? counters == _seenCounters : _journal.Probe() == _seenJournal))
            {
                unchanged = true;
                return DiskChanges.Nothing;
            }

            if (attempt == 1)
            {
                // The counters are read through a descriptor kept open: once anything looks changed, they are read
                // from the lock file the path names now (another, if the directory was removed and made again).
                _counters.Reopen();
                before = FileLock.ReadWithoutLocking(_counters, _countersBuffer);
            }

            // Without counters (Windows, while a writer holds the lock file) the journal offset cannot be trusted.
            bool rebuild = !memoryIsCurrent || before is null || before.Value.Epoch != _seenCounters?.Epoch || snapshot != _seenSnapshot;
            FileRead read = ReadFiles(rebuild);
            bool settled = before is null || before == FileLock.ReadWithoutLocking(_counters, _countersBuffer);
            if (!settled && attempt < ReadAttempts)
            {
                continue;
            }

            bool needsRepair = read.Snapshot is SnapshotContent content && (content.IsDamaged || content.HasByteOrderMark);
            needsRepair |= read.Journal.IsDamaged || !read.JournalExtendsSnapshot;
            RepairPending |= needsRepair;
            bool foreign = settled && before is LockCounters seen && IsForeignRewrite(read, seen);
            ModuleSnapshot? module = foreign ? LastModuleSnapshot(read, before!.Value) : null;
            Accept(read, settled ? before : null);
            return ToChanges(read, mustCompact: false, foreign, module);
        }
    }

    /// <summary>
    /// Under the lock: what others changed since this process last looked. Reads only the journal's new lines unless
    /// the snapshot was rewritten (or memory is not current), then everything. Damaged files are kept aside; over
    /// another program's rewrite of the snapshot the journal is applied again (see <see cref="ForeignRewrite"/>)
    /// and the files must be rewritten, or emptied when nothing of it survives.
    /// </summary>
    public DiskChanges CatchUp(FileLock fileLock, bool memoryIsCurrent, DateTimeOffset now, ICacheLog log)
    {
        if (!_tempFilesSwept)
        {
            _snapshot.RemoveAbandonedTempFiles();
            _tempFilesSwept = true;
        }

        FileSignature snapshot = _snapshot.Probe();
        FileSignature journal = _journal.Probe();
        LockCounters counters = fileLock.Counters;
        bool rebuild = !memoryIsCurrent || RepairPending || counters.Epoch != _seenCounters?.Epoch || snapshot != _seenSnapshot || journal.Length < _journalEnd;
        if (!rebuild && counters == _seenCounters && journal == _seenJournal)
        {
            return DiskChanges.Nothing;
        }

        FileRead read = ReadFiles(rebuild);
        bool mustCompact = false;
        if (read.Snapshot is SnapshotContent content)
        {
            _snapshot.RemoveAbandonedTempFiles();
            if (content.IsDamaged)
            {
                string aside = _snapshot.SetAside(now);
                log.Warning($"The cache file '{CacheFilePath}' was damaged ({content.Damage}). It was kept as '{aside}' and {content.Entries.Count} sound entries were recovered.");
            }

            mustCompact = content.IsDamaged || content.HasByteOrderMark;
        }

        JournalContent changes = read.Journal;
        long journalEnd = read.JournalStart;
        if (!read.JournalIsKept)
        {
            journalEnd = 0;
            _journal.Truncate(0);
            fileLock.BumpEpoch();
            log.Verbose($"'{CacheFilePath}' was rewritten by another program after '{_journal.Path}' was started, holding no entries or newer ones; that rewrite wins, so the journal's {changes.Ops.Count} changes were dropped.");
        }
        else if (!read.JournalExtendsSnapshot)
        {
            journalEnd += changes.ValidLength;
            mustCompact = true;
            log.Verbose($"'{CacheFilePath}' was rewritten by another program, which could not have seen '{_journal.Path}'; its {read.JournalOpsToApply.Count} changes were applied again over the rewrite and folded into a new snapshot.");
        }
        else if (changes.IsDamaged)
        {
            journalEnd = 0;
            string aside = _journal.SetAside(now);
            log.Warning($"The cache journal '{_journal.Path}' was damaged. It was kept as '{aside}'; its {changes.Ops.Count} sound changes were recovered.");
            mustCompact = true;
        }
        else
        {
            if (changes.DiscardedLength > 0)
            {
                _journal.Truncate(read.JournalStart + changes.ValidLength);
                log.Verbose($"Dropped {changes.DiscardedLength} bytes at the end of '{_journal.Path}': a write cut short by a crash, which never reported success.");
            }

            journalEnd += changes.ValidLength;
        }

        bool foreign = IsForeignRewrite(read, counters);
        ModuleSnapshot? module = foreign ? LastModuleSnapshot(read, counters) : null;
        Accept(read, fileLock.Counters);
        _journalEnd = journalEnd;
        if (read.Snapshot?.IsDamaged == true)
        {
            _seenSnapshot = _snapshot.Probe();
        }

        _seenJournal = _journal.Probe();
        RepairPending = false;
        return ToChanges(read, mustCompact, foreign, module);
    }

    /// <summary>
    /// Under the lock, after <see cref="CatchUp"/> and the change: makes <paramref name="ops"/> durable. False when
    /// a program that takes no lock rewrote the snapshot while the new one was being written: nothing was put in
    /// place, <paramref name="ops"/> are in the journal (which names the snapshot this process had read), and the
    /// caller catches up, which applies them again over that rewrite, and commits again.
    /// </summary>
    /// <param name="replaceWhatIsThere">Puts the new snapshot in place without looking: the last of the caller's attempts.</param>
    public bool Commit(FileLock fileLock, IReadOnlyList<JournalOp> ops, LruIndex state, bool mustCompact, bool replaceWhatIsThere = false)
    {
        long journalLimit = Math.Max(_seenSnapshot.Length / CompactionDivisor, SmallCacheBytes);
        bool mustRewrite = mustCompact || state.TotalBytes <= SmallCacheBytes || _journalEnd + JournalCodec.MinimumLength(ops) > journalLimit;
        byte[]? line = mustRewrite ? null : JournalCodec.Encode(ops, _journalEnd == 0 ? _snapshotIdentity : null);
        if (line is not null && _journalEnd + line.Length <= journalLimit)
        {
            AppendToJournal(line);
            Announce(fileLock);
            return true;
        }

        // A crash after the new snapshot is in place but before the journal is emptied leaves both, and the next
        // load replays the journal onto a snapshot that already holds its changes. That is harmless only if the
        // journal also ends with this call's changes: replayed in order, the last change to each key wins again.
        long journalEndBefore = _journalEnd;
        if (_journalEnd > 0 && ops.Count > 0)
        {
            AppendToJournal(line ?? JournalCodec.Encode(ops));
        }

        (SnapshotIdentity Identity, FileSignature Written)? saved;
        try
        {
            saved = _snapshot.Save(state.OldestFirst(), replaceWhatIsThere ? null : (_seenSnapshot, _snapshotIdentity));
        }
        catch (CacheStorageException)
        {
            _tempFilesSwept = false;
            if (_journalEnd != journalEndBefore)
            {
                // The call failed, so it must leave no trace: take its line back out of the journal.
                _journal.Truncate(journalEndBefore);
                _journalEnd = journalEndBefore;
            }

            throw;
        }

        if (saved is null)
        {
            if (ops.Count > 0 && _journalEnd == journalEndBefore)
            {
                AppendToJournal(JournalCodec.Encode(ops, _journalEnd == 0 ? _snapshotIdentity : null));
            }

            // Its stat may match what this process saw (a rewrite of the same size within one clock tick), so the
            // next catch-up must read it whatever the stat says.
            RepairPending = true;
            Announce(fileLock);
            return false;
        }

        _snapshotIdentity = saved.Value.Identity;
        SnapshotEntries = state.Count;
        EmptyJournal(fileLock, saved.Value.Written);
        Announce(fileLock);
        return true;
    }

    /// <summary>After the write: readers that saw the old counters before reading look again.</summary>
    public void Announce(FileLock fileLock)
    {
        fileLock.BumpGeneration();
        _seenCounters = fileLock.Counters;
    }

    /// <summary>
    /// Reads the journal before the snapshot: a compaction in between then leaves an old journal beside the new
    /// snapshot, which names another snapshot and is dropped, where the other order could pair an old snapshot with
    /// a new journal. Writes nothing.
    /// </summary>
    private FileRead ReadFiles(bool rebuild)
    {
        FileSignature snapshotSeen = _snapshot.Probe();
        FileSignature journalSeen = _journal.Probe();

        // A snapshot rewritten since the caller looked must be read, or its stat would stand for what memory holds.
        if (!rebuild && journalSeen.Length >= _journalEnd && snapshotSeen == _seenSnapshot)
        {
            return new FileRead(null, _snapshotIdentity, _journal.ReadFrom(_journalEnd), _journalEnd, snapshotSeen, journalSeen);
        }

        JournalContent journal = _journal.ReadFrom(0);
        (SnapshotContent content, SnapshotIdentity identity) = _snapshot.Load();
        return new FileRead(content, identity, journal, 0, snapshotSeen, journalSeen);
    }

    /// <summary>True when the snapshot read was rewritten by another program: the journal names another, or the lock file does.</summary>
    private bool IsForeignRewrite(FileRead read, LockCounters counters)
    {
        if (read.Snapshot is not SnapshotContent content || content.IsDamaged)
        {
            return false;
        }

        if (counters.IsForeign(read.Identity))
        {
            ForeignRewriteEntries = content.Entries.Count;
            return true;
        }

        return !read.JournalExtendsSnapshot;
    }

    /// <summary>Remembers what was read; <paramref name="counters"/> null makes the next look read again.</summary>
    private void Accept(FileRead read, LockCounters? counters)
    {
        if (read.Snapshot is not null)
        {
            _snapshotIdentity = read.Identity;
            SnapshotEntries = read.Snapshot.Entries.Count;
        }

        _journalEnd = read.JournalStart + (read.JournalIsKept ? read.Journal.ValidLength : 0);
        _seenSnapshot = read.SnapshotSeen;
        _seenJournal = read.JournalSeen;
        _seenCounters = counters;
    }

    private static DiskChanges ToChanges(FileRead read, bool mustCompact, bool foreign = false, ModuleSnapshot? module = null) =>
        new DiskChanges(read.Snapshot?.Entries, read.JournalOpsToApply, mustCompact, foreign, module);

    /// <summary>Read only over a foreign rewrite with entries (an empty one is a clear, which keeps nothing).</summary>
    private ModuleSnapshot? LastModuleSnapshot(FileRead read, LockCounters counters) =>
        read.Snapshot is SnapshotContent content && content.Entries.Count > 0 && counters.IsForeign(read.Identity)
            ? _snapshot.ModuleCopy.Load(counters.Snapshot)
            : null;

    private void AppendToJournal(byte[] line)
    {
        _journal.Append(line, _journalEnd);
        _journalEnd += line.Length;
        _seenJournal = _journal.Probe();
    }

    /// <summary>After a new snapshot holds everything: the journal starts over, and the epoch tells other processes so.</summary>
    private void EmptyJournal(FileLock fileLock, FileSignature snapshotWritten)
    {
        if (_journalEnd > 0 || _journal.Probe().Length > 0)
        {
            _journal.Truncate(0);
        }

        fileLock.StartEpoch(_snapshotIdentity);
        _journalEnd = 0;
        _seenSnapshot = snapshotWritten;
        _seenJournal = _journal.Probe();
    }
}
