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
internal sealed class CacheStore
{
    /// <summary>Caches up to this size are rewritten whole on every change; larger ones use the journal.</summary>
    public const long SmallCacheBytes = 256 * 1024;

    private const int CompactionDivisor = 4;

    private readonly ICacheFileSystem _fileSystem;
    private readonly SnapshotFile _snapshot;
    private readonly JournalFile _journal;
    private readonly TimeSpan _lockTimeout;

    // What this process last saw of the disk; valid while the engine's memory is.
    private FileSignature _seenSnapshot;
    private FileSignature _seenJournal;
    private long _journalEnd;
    private long _generation = -1;
    private long _epoch = -1;

    public CacheStore(string directory, ICacheFileSystem fileSystem, TimeSpan lockTimeout)
    {
        _fileSystem = fileSystem;
        _snapshot = new SnapshotFile(directory, fileSystem);
        _journal = new JournalFile(_snapshot.CacheFilePath, fileSystem);
        _lockTimeout = lockTimeout;
        LockFilePath = _snapshot.CacheFilePath + ".lock";
    }

    public string CacheFilePath => _snapshot.CacheFilePath;

    public string LockFilePath { get; }

    /// <summary>Bytes the cache takes on disk: snapshot plus journal.</summary>
    public long SizeOnDisk => _snapshot.Probe().Length + _journal.Probe().Length;

    /// <summary>Two stats and no lock: true when neither file changed since this process last read or wrote them.</summary>
    public bool IsUnchangedOnDisk() => _snapshot.Probe() == _seenSnapshot && _journal.Probe() == _seenJournal;

    public FileLock Lock(CancellationToken cancellation = default)
    {
        FileOperation.Run(_snapshot.Directory, "create the cache directory", () => _fileSystem.CreateDirectory(_snapshot.Directory));
        return FileOperation.Run(LockFilePath, "open the cache lock file", () => FileLock.Acquire(_fileSystem, LockFilePath, _lockTimeout, cancellation));
    }

    /// <summary>
    /// Under the lock: what others changed since this process last looked. Reads only the journal's new lines unless
    /// the snapshot was rewritten (or memory is not current), then everything. Damaged files are kept aside.
    /// </summary>
    public CatchUp CatchUp(FileLock fileLock, bool memoryIsCurrent, DateTimeOffset now, ICacheLog log)
    {
        FileSignature snapshot = _snapshot.Probe();
        FileSignature journal = _journal.Probe();
        bool rebuild = !memoryIsCurrent || fileLock.Epoch != _epoch || snapshot != _seenSnapshot || journal.Length < _journalEnd;
        if (!rebuild && fileLock.Generation == _generation && journal == _seenJournal)
        {
            return Persistence.CatchUp.Nothing;
        }

        LruIndex? entries = null;
        bool mustCompact = false;
        if (rebuild)
        {
            SnapshotContent content = _snapshot.Load();
            _snapshot.RemoveAbandonedTempFiles();
            if (content.IsDamaged)
            {
                string aside = _snapshot.SetAside(now);
                log.Warning($"The cache file '{CacheFilePath}' was damaged ({content.Damage}). It was kept as '{aside}' and {content.Entries.Count} sound entries were recovered.");
            }

            mustCompact = content.IsDamaged || content.HasByteOrderMark;
            entries = content.Entries;
            _journalEnd = 0;
        }

        JournalContent changes = _journal.ReadFrom(_journalEnd);
        if (changes.IsDamaged)
        {
            string aside = _journal.SetAside(now);
            log.Warning($"The cache journal '{_journal.Path}' was damaged. It was kept as '{aside}'; its {changes.Ops.Count} sound changes were recovered.");
            mustCompact = true;
            _journalEnd = 0;
        }
        else
        {
            if (changes.DiscardedLength > 0)
            {
                _journal.Truncate(_journalEnd + changes.ValidLength);
                log.Verbose($"Dropped {changes.DiscardedLength} bytes at the end of '{_journal.Path}': a write cut short by a crash, which never reported success.");
            }

            _journalEnd += changes.ValidLength;
        }

        _seenSnapshot = _snapshot.Probe();
        _seenJournal = _journal.Probe();
        _generation = fileLock.Generation;
        _epoch = fileLock.Epoch;
        return new CatchUp(entries, changes.Ops, mustCompact);
    }

    /// <summary>Under the lock, after <see cref="CatchUp"/> and the change: makes <paramref name="ops"/> durable.</summary>
    public void Commit(FileLock fileLock, IReadOnlyList<JournalOp> ops, LruIndex state, bool mustCompact)
    {
        fileLock.BumpGeneration();
        _generation = fileLock.Generation;
        long journalLimit = Math.Max(_seenSnapshot.Length / CompactionDivisor, SmallCacheBytes);
        bool mustRewrite = mustCompact || state.TotalBytes <= SmallCacheBytes || _journalEnd + JournalCodec.MinimumLength(ops) > journalLimit;
        byte[]? line = mustRewrite ? null : JournalCodec.Encode(ops);
        if (line is not null && _journalEnd + line.Length <= journalLimit)
        {
            AppendToJournal(line);
            return;
        }

        // A crash after the new snapshot is in place but before the journal is emptied leaves both, and the next
        // load replays the journal onto a snapshot that already holds its changes. That is harmless only if the
        // journal also ends with this call's changes: replayed in order, the last change to each key wins again.
        long journalEndBefore = _journalEnd;
        if (_journalEnd > 0 && ops.Count > 0)
        {
            AppendToJournal(line ?? JournalCodec.Encode(ops));
        }

        try
        {
            _snapshot.Save(state.OldestFirst());
        }
        catch (CacheStorageException) when (_journalEnd != journalEndBefore)
        {
            // The call failed, so it must leave no trace: take its line back out of the journal.
            _journal.Truncate(journalEndBefore);
            _journalEnd = journalEndBefore;
            throw;
        }

        EmptyJournal(fileLock);
    }

    private void AppendToJournal(byte[] line)
    {
        _journal.Append(line, _journalEnd);
        _journalEnd += line.Length;
        _seenJournal = _journal.Probe();
    }

    /// <summary>After a new snapshot holds everything: the journal starts over, and the epoch tells other processes so.</summary>
    private void EmptyJournal(FileLock fileLock)
    {
        if (_journalEnd > 0 || _journal.Probe().Length > 0)
        {
            _journal.Truncate(0);
        }

        fileLock.BumpEpoch();
        _epoch = fileLock.Epoch;
        _journalEnd = 0;
        _seenSnapshot = _snapshot.Probe();
        _seenJournal = _journal.Probe();
    }
}
