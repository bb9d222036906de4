using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ResponseCache.Core.Persistence;

namespace ResponseCache.Core;

/// <summary>
/// A cache directory, shared by every thread of the process. A single monitor guards memory and disk; every change
/// also holds the directory's cross-process lock, catches up with what other processes wrote, applies itself and is
/// durable on disk before it returns. A change waits for that lock before it takes the monitor, so reads never wait
/// for it, not even behind a waiting change, and never fail because another process holds it: they catch up without
/// it, and what they would like to write (an expired entry's removal, access times, a repair) is written only if the
/// lock is free, else left to the next change. Hits touch memory only: their access
/// times are written at most once per flush interval, or by <see cref="Flush"/>. The caps and TTL are the cache's own
/// (<see cref="CacheConfiguration"/>, in a settings file beside the cache). Settings that cannot be read never shrink
/// the cache: it keeps its last good configuration, or, when none is known, evicts and expires nothing until it is
/// configured again.
/// </summary>
internal sealed class DirectoryStore : ICacheStore
{
    /// <summary>How often a change writes the snapshot when another program keeps rewriting it meanwhile.</summary>
    private const int SnapshotAttempts = 4;

    private readonly object _gate = new object();
    private readonly CacheFiles _files;
    private readonly CacheSettings _settings;
    private readonly PriceFile _prices;
    private readonly SavingsFile _savings;
    private readonly IClock _clock;
    private readonly TimeSpan _accessFlushInterval;
    private readonly CacheMemory _memory = new CacheMemory();
    private readonly GroupCommit _writes;
    private readonly BackgroundFold _fold;

    // One writer of this store at a time waits for the cross-process lock, so group commit can gather the others'
    // requests; it is taken before that lock, and the lock before _gate (see Change).
    private readonly SemaphoreSlim _writersTurn = new SemaphoreSlim(1, 1);

    private bool _memoryIsCurrent;
    private CacheConfiguration _configuration = CacheConfiguration.Default;
    private (FileSignature Current, FileSignature LastGood) _seenSettings;

    // What the settings files last said: damage (reported once per change, to the first caller with a log), whether
    // any good configuration is known (without one, nothing is evicted or expired), and whether the last good copy
    // must be written by the next holder of the lock.
    private CacheConfiguration? _soundConfiguration;
    private string? _settingsDamage;
    private string? _unreportedSettingsDamage;
    private bool _configurationLost;
    private bool _lastGoodIsStale;
    private DateTimeOffset _lastCommit;

    // Set by Clear -ResetSavings for its own commit: the ledger is written anew rather than added to.
    private bool _resetSavings;

    // The settings were written under the lock held now: the commit moves the counters even with no entry changed,
    // as readers look at the settings only when the counters or the snapshot moved.
    private bool _settingsWritten;

    public DirectoryStore(string directory, DirectoryCacheOptions options)
    {
        _clock = options.Clock;
        _accessFlushInterval = options.AccessFlushInterval;
        _files = new CacheFiles(directory, options.FileSystem, options.LockTimeout);
        _settings = new CacheSettings(_files.CacheFilePath, options.FileSystem);
        _prices = new PriceFile(_files.CacheFilePath, options.FileSystem);
        _savings = new SavingsFile(_files.CacheFilePath, options.FileSystem);
        _lastCommit = _clock.Now;
        _fold = new BackgroundFold(options.FoldDelay, FoldInBackground);
        _writes = new GroupCommit(_writersTurn, _files.Lock, (fileLock, batch) =>
        {
            lock (_gate)
            {
                ChangeUnderLock(fileLock, batch[0].Log, () => WriteBatch(batch), compact: false);
            }
        });
    }

    public string Location => _files.CacheFilePath;

    public string? CacheFile => _files.CacheFilePath;

    public string SettingsFilePath => _settings.Path;

    /// <summary>How many sets wait for a write to take them; for tests that must know a set is queued.</summary>
    public int QueuedWrites => _writes.QueuedWrites;

    public StoreLookup Find(KeyHash hash, CachePolicy policy, LookupKind kind, ICacheLog log)
    {
        lock (_gate)
        {
            RefreshIfChanged(kind == LookupKind.Peek ? NullCacheLog.Instance : log);
            DateTimeOffset time = _clock.Now;
            double now = UnixTime.ToSeconds(time);
            if (!_memory.TryGet(hash, out CacheEntry entry))
            {
                return StoreLookup.Miss;
            }

            double freshness = policy.FreshnessSeconds(_configuration);
            if (entry.IsExpired(now, freshness))
            {
                if (kind == LookupKind.Peek)
                {
                    return StoreLookup.Miss;
                }

                if (!entry.IsExpired(now, _configuration.TtlSeconds))
                {
                    log.Verbose($"The entry for key {hash.ToShortString()} is older than the {freshness / 86400} days this call accepts; it stays cached for callers that accept it.");
                    return StoreLookup.Miss;
                }

                if (_configurationLost)
                {
                    log.Verbose($"The entry for key {hash.ToShortString()} is older than the default {_configuration.TtlDays} days; it stays cached while '{_settings.Path}' cannot be read.");
                    return StoreLookup.Miss;
                }

                if (!TryRemoveExpired(hash, freshness, log, out entry))
                {
                    log.Verbose($"The entry for key {hash.ToShortString()} was older than the cache's {_configuration.TtlDays} days; it is removed now, or by the next change if another process holds the lock.");
                    return StoreLookup.Miss;
                }
            }

            if (kind != LookupKind.Peek)
            {
                _memory.RecordHit(entry, now);
                if (time - _lastCommit >= _accessFlushInterval)
                {
                    TryChangeForRead(log, () => 0);
                }
            }

            return StoreLookup.Hit(entry.ResponseJson, entry.Timestamp, entry.CreatedAt);
        }
    }

    public CacheConfiguration? KnownConfiguration(ICacheLog log)
    {
        lock (_gate)
        {
            // Only a look: a repair is for the change that follows, which reports its own failure.
            RefreshIfChanged(log, repair: false);
            return _configuration;
        }
    }

    /// <summary>Group commit (see <see cref="GroupCommit"/>): one write under one lock for every set queued by the time the lock is had.</summary>
    public StoreWrite Put(IReadOnlyList<NewEntry> entries, IProducerLease? lease, ICacheLog log, CancellationToken cancellation) =>
        _writes.Write(entries, log, cancellation);

    public StoreWrite Import(IReadOnlyList<StoredResponse> entries, ICacheLog log, CancellationToken cancellation)
    {
        StoreWrite result = default;
        Change(log, () =>
        {
            // As a write would not keep them: an entry already past this cache's TTL is neither stored nor counted.
            double now = UnixTime.ToSeconds(_clock.Now);
            List<StoredResponse> fresh = entries.Where(entry => !CacheEntry.IsExpired(entry.CreatedAt, entry.ExpiresAt, now, _configuration.TtlSeconds)).ToList();
            foreach (StoredResponse stored in fresh)
            {
                _memory.Put(new CacheEntry(stored.Key, stored.ResponseJson)
                {
                    CreatedAt = stored.CreatedAt,
                    LastAccessed = stored.LastAccessed,
                    Timestamp = stored.Timestamp,
                    TextLength = stored.TextLength,
                    Tags = stored.Tags.Count == 0 ? null : stored.Tags.ToArray(),
                    ExpiresAt = stored.ExpiresAt,
                    Usage = stored.Usage.IsEmpty ? null : stored.Usage,
                    Hits = stored.Hits,
                });
            }

            _memory.Index.SortByRecency();
            result = new StoreWrite(fresh.Count, EvictBeyond(), _memory.Index.TotalBytes, _configuration.MaxBytes);
            return fresh.Count;
        }, cancellation, compact: true);
        return result;
    }

    public int Remove(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation) =>
        RemoveWhereCached(log, () => hashes.Count(hash => _memory.Remove(hash)), cancellation);

    /// <summary>
    /// Maintenance (Clear-ResponseCache -Expired): what it removed is folded into a new snapshot at once, so the file
    /// shrinks, and the size Get-CacheStats reports right after, as well as what the reference sees, is the cache without them.
    /// </summary>
    public int RemoveOlderThan(double? ttlSeconds, ICacheLog log, CancellationToken cancellation) => RemoveWhereCached(log, () =>
    {
        double now = UnixTime.ToSeconds(_clock.Now);
        if (ttlSeconds is null && _configurationLost)
        {
            log.Verbose($"No expired entries were removed: the cache's TtlDays is not known while '{_settings.Path}' cannot be read.");
            return 0;
        }

        double bound = ttlSeconds ?? _configuration.TtlSeconds;
        List<KeyHash> expired = _memory.Index.OldestFirst().Where(entry => entry.IsExpired(now, bound)).Select(entry => entry.Key).ToList();
        return expired.Count(hash => _memory.Remove(hash));
    }, cancellation, compactIfChanged: true);

    public int RemoveTagged(IReadOnlyCollection<string> tags, ICacheLog log, CancellationToken cancellation) => RemoveWhereCached(log, () =>
    {
        List<KeyHash> tagged = _memory.Index.OldestFirst().Where(entry => entry.Tags is not null && EntryTags.HasAny(entry.Tags, tags)).Select(entry => entry.Key).ToList();
        return tagged.Count(hash => _memory.Remove(hash));
    }, cancellation);

    /// <summary>Empties the cache: the file becomes an empty object, as the reference's clear() leaves it.</summary>
    public int Clear(ICacheLog log, CancellationToken cancellation, bool resetSavings = false)
    {
        if (!resetSavings)
        {
            return RemoveWhereCached(log, () => _memory.Clear(), cancellation);
        }

        if (!_files.HoldsEntries && !_savings.Exists)
        {
            return RemoveWhereCached(log, () => 0, cancellation);
        }

        return Change(log, () =>
        {
            int removed = _memory.Clear();
            _memory.ForgetSavings();
            _resetSavings = true;
            return removed;
        }, cancellation);
    }

    /// <summary>The ledger on disk, with this process's hits that are not written yet, as the entries' hit counts hold them.</summary>
    public SavingsLedger GetSavings(ICacheLog log)
    {
        SavingsLedger ledger;
        string? damage;
        // Under the monitor, as commits write the ledger and forget what they wrote: the hits count once.
        lock (_gate)
        {
            ledger = _savings.Load(out damage);
            ledger.Add(_memory.UnwrittenSavings());
        }

        if (damage is not null)
        {
            log.Warning($"The savings ledger '{_savings.Path}' cannot be read ({damage}); what entries no longer in the cache saved is not counted. The next change that counts savings keeps the file aside, for you to look at, and starts the ledger anew.");
        }

        return ledger;
    }

    public StoreInventory TakeInventory(bool withResponses, ICacheLog log)
    {
        lock (_gate)
        {
            RefreshIfChanged(log);
            var entries = new List<InventoryEntry>(_memory.Index.Count);
            foreach (CacheEntry entry in _memory.Index.OldestFirst())
            {
                var stored = new StoredResponse(entry.Key, withResponses ? entry.ResponseJson : Array.Empty<byte>(), entry.CreatedAt, entry.LastAccessed, entry.Timestamp, entry.TextLength, entry.Tags, entry.ExpiresAt, entry.Usage, entry.Hits);
                entries.Add(new InventoryEntry(stored, entry.StoredBytes));
            }

            return new StoreInventory(_configuration, entries, _files.SizeOnDisk)
            {
                FileEntries = _files.SnapshotEntries,
                ForeignRewrite = _memory.LastReconciliation is Reconciliation reconciled
                    ? new ForeignRewriteSeen(reconciled.RewriteEntries, reconciled.Evicted)
                    : _files.ForeignRewriteEntries is int rewritten ? new ForeignRewriteSeen(rewritten, evicted: null) : null,
            };
        }
    }

    public CacheConfiguration GetConfiguration(ICacheLog log)
    {
        lock (_gate)
        {
            // Asked for by name: a settings file edited by hand is read now, not at the cache's next change.
            RefreshIfChanged(log, settingsEvenIfUnchanged: true);
            return _configuration;
        }
    }

    public CacheConfigurationChange Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation)
    {
        if (preview)
        {
            lock (_gate)
            {
                RefreshIfChanged(log, settingsEvenIfUnchanged: true);
                CacheConfiguration proposed = _configuration.With(maxEntries, maxBytes, ttlDays);
                return new CacheConfigurationChange(_configuration, proposed, LruEviction.CountBeyond(_memory.Index, proposed));
            }
        }

        CacheConfigurationChange? result = null;
        Change(log, () =>
        {
            CacheConfiguration previous = _configuration;
            CacheConfiguration proposed = previous.With(maxEntries, maxBytes, ttlDays);
            if (!proposed.Equals(previous) || _settingsDamage is not null || _lastGoodIsStale)
            {
                _settings.Save(proposed);
                _settingsWritten = true;
                _seenSettings = _settings.Probe();
                UseSettings(SettingsRead.Sound(proposed, lastGoodIsStale: false));
            }

            int evicted = EvictBeyond();
            result = new CacheConfigurationChange(previous, proposed, evicted);
            return evicted;
        }, cancellation);
        return result!;
    }

    public ModelPrices GetPrices(ICacheLog log)
    {
        ModelPrices prices = _prices.Load(out string? damage);
        if (damage is not null)
        {
            log.Warning($"The prices in '{_prices.Path}' cannot be read ({damage}); no money saved is reported until Set-ResponseCacheConfiguration -Price stores them again (which keeps the damaged file aside).");
        }

        return prices;
    }

    public ModelPrices ChangePrices(Func<ModelPrices, ModelPrices> change, ICacheLog log, CancellationToken cancellation)
    {
        ModelPrices? stored = null;
        Change(log, () =>
        {
            ModelPrices current = _prices.Load(out string? damage);
            if (damage is not null)
            {
                string aside = _prices.SetAside(_clock.Now);
                log.Warning($"The prices in '{_prices.Path}' could not be read ({damage}); they are kept as '{aside}', and this change starts from no prices: give the others again with -Price or -PriceFile.");
            }

            stored = change(current);
            if (!stored.SameAs(current) || stored.Count == 0)
            {
                _prices.Save(stored);
            }

            return 0;
        }, cancellation);
        return stored!;
    }

    /// <summary>
    /// At process exit (and on request): folds the journal into the snapshot when a fold this process owes is still
    /// due, which writes the access times too; else writes the access times of hits that are still only in memory,
    /// if the lock is free (else the next change does).
    /// </summary>
    public void Flush(ICacheLog log)
    {
        if (_fold.RunIfPending())
        {
            return;
        }

        lock (_gate)
        {
            if (_memory.HasPendingAccess)
            {
                TryChangeForRead(log, () => 0);
            }
        }
    }

    /// <summary>
    /// The fold <see cref="BackgroundFold"/> runs: the snapshot is rewritten with the journal's changes, if any are
    /// left (another process may have folded them). It waits for the lock like any change; if it fails, it is due
    /// again after the delay.
    /// </summary>
    private void FoldInBackground()
    {
        try
        {
            _writersTurn.Wait();
            try
            {
                using FileLock fileLock = _files.Lock();
                lock (_gate)
                {
                    bool mustCompact = CatchUpUnderLock(fileLock, NullCacheLog.Instance);
                    if (mustCompact || _files.JournalHoldsChanges)
                    {
                        Commit(fileLock, mustCompact: true, NullCacheLog.Instance);
                    }
                }
            }
            finally
            {
                _writersTurn.Release();
            }
        }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is TimeoutException)
        {
            _fold.Request();
        }
        catch (Exception)
        {
            // On a timer thread an exception would end the user's process; the journal still holds every change,
            // and the next change's fold, or the exit's, tries again.
        }
    }

    private int WriteBatch(IReadOnlyList<GroupCommit.Request> batch)
    {
        DateTimeOffset now = _clock.Now;
        double seconds = UnixTime.ToSeconds(now);
        string timestamp = UnixTime.ToTimestamp(now);
        foreach (GroupCommit.Request request in batch)
        {
            foreach (NewEntry item in request.Entries)
            {
                _memory.Put(new CacheEntry(item.Hash, item.ResponseJson)
                {
                    Timestamp = timestamp,
                    CreatedAt = seconds,
                    LastAccessed = seconds,
                    TextLength = item.TextLength,
                    Tags = item.Tags.Count == 0 ? null : item.Tags.ToArray(),
                    ExpiresAt = item.ExpiresAt,
                    Usage = item.Usage.IsEmpty ? null : item.Usage,
                });
            }

            request.Written = new StoreWrite(request.Entries.Count, EvictBeyond(), _memory.Index.TotalBytes, _configuration.MaxBytes);
        }

        return batch.Count;
    }

    /// <summary>
    /// After the change is on disk, under its lock: the ledger adds what it saved. A ledger that cannot be written
    /// loses those counts, with a warning, and never fails the change (counting them twice would be worse).
    /// </summary>
    private void WriteSavings(bool reset, ICacheLog log)
    {
        if (!reset && !_memory.HasUnwrittenSavings)
        {
            return;
        }

        try
        {
            _savings.Add(_memory.UnwrittenSavings(), reset, _clock.Now, log);
        }
        catch (CacheStorageException ex)
        {
            log.Warning($"What the cache saved could not be added to its ledger: {ex.Message}");
        }
    }

    /// <summary>False (a miss) also when the lock is busy: the entry then stays on disk for the next change to remove.</summary>
    private bool TryRemoveExpired(KeyHash hash, double freshnessSeconds, ICacheLog log, out CacheEntry current)
    {
        CacheEntry? fresh = null;
        TryChangeForRead(log, () =>
        {
            // Another process may have renewed the entry, or lengthened the cache's TTL, since this one last looked.
            double now = UnixTime.ToSeconds(_clock.Now);
            if (!_memory.TryGet(hash, out CacheEntry candidate) || !candidate.IsExpired(now, _configuration.TtlSeconds))
            {
                return 0;
            }

            if (!candidate.IsExpired(now, freshnessSeconds))
            {
                fresh = candidate;
                return 0;
            }

            return _memory.Remove(hash) ? 1 : 0;
        });
        current = fresh!;
        return fresh is not null;
    }

    /// <summary>Past the cache's TTL now; nothing is while the TTL is not known.</summary>
    private bool IsExpiredHere(CacheEntry entry) => !_configurationLost && entry.IsExpired(UnixTime.ToSeconds(_clock.Now), _configuration.TtlSeconds);

    private int EvictBeyond() => _configurationLost ? 0 : LruEviction.EvictBeyond(_memory, _configuration);

    /// <summary>
    /// Catches up without the lock (see <see cref="CacheFiles.ReadWithoutLock"/>): a hit on an unchanged cache costs a
    /// read of the lock file's counters and a stat of the snapshot. The settings are looked at only when either moved
    /// (or <paramref name="settingsEvenIfUnchanged"/>): every change of them by the module, made under the lock, moves
    /// the counters; a settings file edited by hand is read at the next change of the cache. Damage found on the way is
    /// repaired only if the lock is free.
    /// </summary>
    private void RefreshIfChanged(ICacheLog log, bool repair = true, bool settingsEvenIfUnchanged = false)
    {
        _files.EnsureDirectoryTrusted();
        DiskChanges changes = _files.ReadWithoutLock(_memoryIsCurrent, out bool unchanged);
        bool settingsDamaged = ReloadSettingsIfChanged(log, mayRepair: false, look: settingsEvenIfUnchanged || !unchanged);
        if (changes != DiskChanges.Nothing)
        {
            _ = _memory.Apply(changes, _memoryIsCurrent, IsExpiredHere);
            _memoryIsCurrent = true;
        }

        // Entries kept over another program's rewrite are changes of no call yet: written by the first holder of the lock.
        if (repair && (_files.RepairPending || settingsDamaged || _memory.HasUnwrittenChanges))
        {
            TryChangeForRead(log, () => 0);
        }
    }

    /// <summary>
    /// Runs a change under the cross-process lock on up-to-date memory and makes it durable; returns the change's
    /// count. If writing fails, memory is rebuilt from disk on the next call, so it never serves what the disk lacks.
    /// </summary>
    /// <remarks>
    /// It holds, taken in this order, the writers' turn, the cross-process lock and the monitor. A writer waits for
    /// the first two without the monitor, so reads, which need it, never wait behind a waiting writer; and no deadlock
    /// can come of the order, as a read holding the monitor only tries the lock (TryLock never waits), and the lock,
    /// an OS lock on its own handle, refuses other threads of this process as it does other processes.
    /// </remarks>
    /// <param name="compact">Rewrites the snapshot, for a change whose order a journal replay would not keep.</param>
    /// <param name="compactIfChanged">Rewrites the snapshot when the change counted anything.</param>
    private int Change(ICacheLog log, Func<int> change, CancellationToken cancellation, bool compact = false, bool compactIfChanged = false)
    {
        _writersTurn.Wait(cancellation);
        try
        {
            using FileLock fileLock = _files.Lock(cancellation);
            lock (_gate)
            {
                return ChangeUnderLock(fileLock, log, change, compact, compactIfChanged);
            }
        }
        finally
        {
            _writersTurn.Release();
        }
    }

    /// <summary>Entries on disk, or a configuration: a cache, if an empty one.</summary>
    public bool Exists => _files.HoldsEntries || _settings.Exist;

    /// <summary>
    /// A removal where no entries are on disk has nothing to remove, so it takes no lock and creates nothing: a mistyped
    /// -Path must not become a new, empty cache. Where the cache was never even configured, it says so.
    /// </summary>
    private int RemoveWhereCached(ICacheLog log, Func<int> removal, CancellationToken cancellation, bool compactIfChanged = false)
    {
        if (_files.HoldsEntries)
        {
            return Change(log, removal, cancellation, compactIfChanged: compactIfChanged);
        }

        if (!Exists)
        {
            log.Warning(DirectoryCache.NothingToRemove(_files.DirectoryPath));
        }

        return 0;
    }

    /// <summary>
    /// What a read would like to write: done only if the lock is free right now, and never failing the read (a
    /// failed write is a warning). False when it was left for the next change.
    /// </summary>
    private bool TryChangeForRead(ICacheLog log, Func<int> change)
    {
        try
        {
            using FileLock? fileLock = _files.TryLock();
            if (fileLock is null)
            {
                log.Verbose($"The cache lock '{_files.LockFilePath}' is busy (or cannot be written here); what this read would write is left for the next change.");
                return false;
            }

            ChangeUnderLock(fileLock, log, change, compact: false);
            return true;
        }
        catch (CacheStorageException ex)
        {
            log.Warning($"What this read would write to the cache could not be written and is left for the next change: {ex.Message}");
            return false;
        }
    }

    private int ChangeUnderLock(FileLock fileLock, ICacheLog log, Func<int> change, bool compact, bool compactIfChanged = false)
    {
        bool mustCompact = CatchUpUnderLock(fileLock, log) | compact;
        int count;
        try
        {
            count = change();
        }
        catch
        {
            _memoryIsCurrent = false;
            _memory.Abandon();
            throw;
        }

        Commit(fileLock, mustCompact || (compactIfChanged && count > 0), log);
        return count;
    }

    /// <summary>Applies what others wrote; true when the files must be rewritten (damage salvaged, or a byte-order mark).</summary>
    private bool CatchUpUnderLock(FileLock fileLock, ICacheLog log)
    {
        _ = ReloadSettingsIfChanged(log, mayRepair: true);
        DiskChanges changes = _files.CatchUp(fileLock, _memoryIsCurrent, _clock.Now, log);
        int keptUnseen = _memory.Apply(changes, _memoryIsCurrent, IsExpiredHere);
        if (keptUnseen > 0)
        {
            log.Verbose($"'{_files.CacheFilePath}' was rewritten by another program from a copy that could not have held {keptUnseen} of this module's changes; they are kept and written again.");
        }

        _memoryIsCurrent = true;
        return changes.MustCompact || keptUnseen > 0;
    }

    /// <summary>
    /// Reads the settings when they changed (another process may have configured the cache), and reports damage
    /// found there. Only a holder of the lock (<paramref name="mayRepair"/>) writes the last good copy.
    /// </summary>
    /// <param name="look">False when nothing on disk moved since the last look, so the settings did not either.</param>
    /// <returns>True when the last good copy waits for a holder of the lock.</returns>
    private bool ReloadSettingsIfChanged(ICacheLog log, bool mayRepair, bool look = true)
    {
        bool changed = false;
        if (look)
        {
            (FileSignature, FileSignature) settings = _settings.Probe();
            changed = settings != _seenSettings;
            if (changed)
            {
                UseSettings(_settings.Load());
                _seenSettings = settings;
            }
        }

        if (_unreportedSettingsDamage is not null && !ReferenceEquals(log, NullCacheLog.Instance))
        {
            log.Warning(_unreportedSettingsDamage);
            _unreportedSettingsDamage = null;
        }

        if (!_lastGoodIsStale)
        {
            return false;
        }

        if (!mayRepair)
        {
            return changed;
        }

        try
        {
            _settings.KeepAsLastGood(_configuration);
            _settingsWritten = true;
            _seenSettings = _settings.Probe();
            _lastGoodIsStale = false;
        }
        catch (CacheStorageException ex)
        {
            log.Warning($"A copy of the cache's configuration could not be kept, so damage to '{_settings.Path}' would lose it: {ex.Message}");
        }

        return false;
    }

    private void UseSettings(SettingsRead read)
    {
        _lastGoodIsStale = read.LastGoodIsStale;
        if (read.Damage is null)
        {
            _configuration = read.Configuration!;
            _soundConfiguration = ReferenceEquals(read, SettingsRead.NeverConfigured) ? null : read.Configuration;
            _configurationLost = false;
            _settingsDamage = null;
            _unreportedSettingsDamage = null;
            return;
        }

        // This process may know the settings from before the damage, when the copy on disk is gone too.
        CacheConfiguration? lastGood = read.Configuration ?? _soundConfiguration;
        _settingsDamage = read.Damage;
        string problem = $"The cache settings '{_settings.Path}' cannot be read ({read.Damage}).";
        string directory = (System.IO.Path.GetDirectoryName(_settings.Path) ?? ".").Replace("'", "''");
        if (lastGood is not null)
        {
            _configuration = lastGood;
            _configurationLost = false;
            _lastGoodIsStale = read.Configuration is null;
            _unreportedSettingsDamage = $"{problem} The cache goes on with its last good configuration ({lastGood}), kept in '{_settings.LastGoodPath}'. To write the settings again: Set-ResponseCacheConfiguration -Path '{directory}' {lastGood.ToParameterText()}";
        }
        else
        {
            _configuration = CacheConfiguration.Default;
            _configurationLost = true;
            _unreportedSettingsDamage = $"{problem} No earlier configuration is known, so the cache evicts and expires nothing until it is configured again: Set-ResponseCacheConfiguration -Path '{directory}' -MaxEntries <n> -TtlDays <days>";
        }
    }

    /// <summary>
    /// Makes the call's changes durable. When a program that takes no lock rewrote the snapshot while this one was
    /// being written, its rewrite becomes the base: memory catches up with it (the call's changes are then in the
    /// journal, applied again over it) and the snapshot is written again, a few times at most; the last attempt
    /// replaces whatever is there.
    /// </summary>
    private void Commit(FileLock fileLock, bool mustCompact, ICacheLog log)
    {
        mustCompact |= _memory.HoldsChangesOverRewrite;
        List<JournalOp> changes = _memory.TakeChanges();
        bool resetSavings = _resetSavings;
        _resetSavings = false;
        if (changes.Count == 0 && !mustCompact && !resetSavings && !_settingsWritten)
        {
            return;
        }

        try
        {
            if (changes.Count == 0 && !mustCompact && !resetSavings)
            {
                _files.Announce(fileLock);
                _settingsWritten = false;
                return;
            }

            for (int attempt = 1; !_files.Commit(fileLock, changes, _memory.Index, mustCompact, replaceWhatIsThere: attempt == SnapshotAttempts); attempt++)
            {
                log.Verbose($"'{_files.CacheFilePath}' was rewritten by another program while this one wrote it; writing it again over that rewrite.");
                _ = CatchUpUnderLock(fileLock, log);
                mustCompact = true;
                changes = _memory.TakeChanges();
            }
        }
        catch (Exception ex)
        {
            _memoryIsCurrent = false;
            _memory.Abandon();
            if (ex is System.IO.IOException && ex is not CacheStorageException)
            {
                throw new CacheStorageException($"Could not update the cache lock file '{_files.LockFilePath}': {ex.Message}", _files.LockFilePath, ex);
            }

            throw;
        }

        _settingsWritten = false;
        WriteSavings(resetSavings, log);
        _memory.Committed();
        _lastCommit = _clock.Now;
        if (_files.JournalHoldsChanges)
        {
            _fold.Request();
        }
    }
}
