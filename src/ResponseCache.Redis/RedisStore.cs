using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// One namespace on a Redis server: the store every process and host that names it shares. Each operation is one
/// server-side script (see <see cref="RedisScripts"/>), so caps hold exactly however many writers there are; a
/// lookup's record (recency, counts) follows its read without being waited for. A server
/// that cannot be reached makes lookups <see cref="StoreLookup.Unavailable"/> (with one warning per outage) and every
/// other operation a <see cref="CacheUnavailableException"/>.
/// </summary>
internal sealed class RedisStore : ICacheStore
{
    private const int ImportSlice = 500;

    private readonly RedisConnection _connection;
    private readonly RedisNamespaceKeys _keys;
    private readonly RedisCacheOptions _options;
    private readonly IClock _clock;
    private CacheConfiguration? _knownConfiguration;

    // The damage to the namespace's configuration hash last reported, so it is said once, not on every call.
    private string? _reportedSettingsDamage;

    // 1 while a lookup's record was sent and no Flush has seen it land.
    private int _unconfirmed;

    // 1 once this process has listed the namespace in the server's index (see RedisNamespaceIndex).
    private int _listed;

    public RedisStore(RedisConnection connection, RedisNamespaceKeys keys, RedisCacheOptions options)
    {
        _connection = connection;
        _keys = keys;
        _options = options;
        _clock = options.Clock;
        Location = $"{connection.Server} namespace '{keys.Name}'";
    }

    public string Location { get; }

    public string? CacheFile => null;

    internal RedisConnection Connection => _connection;

    internal RedisNamespaceKeys Keys => _keys;

    /// <summary>
    /// One read (<see cref="RedisScripts.Find"/>) answers the lookup; what it records (a hit's recency and counts, a
    /// miss's count) is sent after it without waiting, and the server applies it before it answers this connection's
    /// next command.
    /// </summary>
    public StoreLookup Find(KeyHash hash, CachePolicy policy, LookupKind kind, ICacheLog log)
    {
        string hex = hash.ToString();
        RedisKey entry = _keys.Entry(hex);
        DateTimeOffset now = _clock.Now;
        RedisResult[] result;
        try
        {
            var values = new RedisValue[] { Seconds(UnixTime.ToSeconds(now)), Seconds(policy.TtlDays * 86400) };
            result = (RedisResult[])RedisScripts.Find.Evaluate(_connection, new[] { entry, _keys.Config, _keys.ConfigLastGood }, values)!;
            _connection.ReportSuccess();
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            string consequence = kind == LookupKind.Get ? "the lookup is a miss." : "the response is produced without the cache.";
            _connection.ReportOutage(Location, ex, log, consequence, ExplainKeyFault(ex, entry));
            return StoreLookup.Unavailable;
        }

        if (result.Length == 2)
        {
            Record(database => RedisScripts.AfterHit.Send(database, new[] { entry, _keys.Recency, _keys.Stats, _keys.Sequence, _keys.Savings }, new RedisValue[] { hex, now.ToUnixTimeMilliseconds(), SavingsLedger.DayOf(now), SavingsLedger.FirstKeptDay(now) }));
            return StoreLookup.Hit((byte[])result[1]!, timestamp: null);
        }

        // A get-or-add's miss is counted once its producer's lock is taken (RedisScripts.FindOrLock).
        if (kind == LookupKind.Get)
        {
            Record(database => database.HashIncrement(_keys.Stats, "misses", flags: CommandFlags.FireAndForget));
        }

        return StoreLookup.Miss;
    }

    /// <summary>The configuration this store last read or wrote: a call's caps that match it cost no round trip.</summary>
    public CacheConfiguration? KnownConfiguration(ICacheLog log) => _knownConfiguration;

    /// <summary>Stores responses (and releases a get-or-add lock) in one script, evicting beyond the namespace's caps.</summary>
    public StoreWrite Put(IReadOnlyList<NewEntry> entries, IProducerLease? lease, ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        var producerLease = lease as RedisProducerLease;
        var values = new List<RedisValue>(2 + (entries.Count * 11))
        {
            UnixTime.ToTimestamp(_clock.Now),
            producerLease?.Token ?? string.Empty,
        };
        foreach (NewEntry entry in entries)
        {
            values.Add(entry.Hash.ToString());
            values.Add(entry.ResponseJson);
            values.Add(entry.TextLength);
            values.Add(TagText(entry.Tags));
            values.Add(IndexText(entry.Tags));
            values.Add(Seconds(entry.ExpiresAt));
            values.AddRange(UsageValues(entry.Usage));
        }

        RedisResult[] result = ChangeNamespace(RedisScripts.SetMany, producerLease?.LockKey, values, cancellation);
        producerLease?.MarkReleased();
        ReportSettingsDamage((string?)result[4], log);
        // A namespace found empty may have been cleared, and so unlisted, by another process since this one listed it.
        List(again: (int)result[5] == 1);
        long cap = (long)result[3];
        return new StoreWrite((int)result[0], (int)result[1], (long)result[2], cap >= 0 ? cap : null);
    });

    /// <summary>In slices, least recently used first, so no one script holds the server up for long; evicting after each
    /// slice leaves what evicting once at the end would, as later slices are never older than earlier ones.</summary>
    public StoreWrite Import(IReadOnlyList<StoredResponse> entries, ICacheLog log, CancellationToken cancellation)
    {
        var fields = new List<RedisValue[]>(entries.Count);
        foreach (StoredResponse entry in entries)
        {
            double? created = entry.CreatedAt is double seconds && UnixTime.IsInRange(seconds) ? seconds : null;
            double accessed = entry.LastAccessed ?? entry.CreatedAt ?? 0;
            fields.Add(new RedisValue[]
            {
                entry.Key.ToString(),
                entry.ResponseJson,
                created is double c ? Seconds(c) : RedisValue.EmptyString,
                UnixTime.IsInRange(accessed) ? (long)Math.Floor(accessed * 1000) : 0,
                entry.Timestamp ?? string.Empty,
                entry.TextLength is long length ? length.ToString(CultureInfo.InvariantCulture) : string.Empty,
                TagText(entry.Tags),
                IndexText(entry.Tags),
                Seconds(entry.ExpiresAt),
            }.Concat(UsageValues(entry.Usage)).Append(entry.Hits).ToArray());
        }

        return Explicitly(() =>
        {
            int stored = 0;
            int evicted = 0;
            for (int start = 0; start < fields.Count; start += ImportSlice)
            {
                IEnumerable<RedisValue> slice = fields.Skip(start).Take(ImportSlice).SelectMany(entry => entry);
                RedisResult[] result = ChangeNamespace(RedisScripts.Import, null, new[] { RedisValue.EmptyString }.Concat(slice), cancellation);
                stored += (int)result[0];
                evicted += (int)result[1];
                ReportSettingsDamage((string?)result[2], log);
            }

            List(again: true);
            return new StoreWrite(stored, evicted, 0, null);
        });
    }

    public int Remove(IReadOnlyCollection<KeyHash> hashes, ICacheLog log, CancellationToken cancellation) =>
        Explicitly(() => (int)ChangeNamespace(RedisScripts.Remove, null, hashes.Select(hash => (RedisValue)hash.ToString()), cancellation)[0]);

    /// <summary>One script over the namespace's own tag index: the sets of the tags asked for, never a scan of the server.</summary>
    public int RemoveTagged(IReadOnlyCollection<string> tags, ICacheLog log, CancellationToken cancellation) =>
        Explicitly(() => (int)ChangeNamespace(RedisScripts.RemoveTagged, null, tags.Select(tag => (RedisValue)EntryTags.IndexName(tag)).Distinct(), cancellation)[0]);

    public int RemoveOlderThan(double? ttlSeconds, ICacheLog log, CancellationToken cancellation) =>
        Explicitly(() => (int)ChangeNamespace(RedisScripts.RemoveExpired, null, new[] { Seconds(ttlSeconds) }, cancellation)[0]);

    /// <summary>
    /// The namespace leaves the server's index before its entries go: a write in another process that comes after the
    /// clear then finds the namespace empty and lists it again after this removal, never before it.
    /// </summary>
    public int Clear(ICacheLog log, CancellationToken cancellation, bool resetSavings = false) => Explicitly(() =>
    {
        RemoveWrongTypedKeys(log);
        Volatile.Write(ref _listed, 0);
        RedisNamespaceIndex.Remove(_connection, _keys.Name);
        try
        {
            return (int)ChangeNamespace(RedisScripts.Clear, null, new RedisValue[] { resetSavings ? "1" : "0" }, cancellation)[0];
        }
        catch
        {
            // The entries are still there.
            List(again: true);
            throw;
        }
    });

    /// <summary>The namespace's ledger, as every host's scripts keep it.</summary>
    public SavingsLedger GetSavings(ICacheLog log) => Explicitly(() =>
    {
        var ledger = new SavingsLedger();
        var days = new Dictionary<(string Day, string Model), (long Hits, long Input, long Output, double Seconds)>();
        foreach (HashEntry field in _connection.Run(database => database.HashGetAll(_keys.Savings)))
        {
            string[] parts = ((string?)field.Name ?? string.Empty).Split('\n');
            if (parts.Length != 3 || !field.Value.TryParse(out double value) || value < 0)
            {
                continue;
            }

            days.TryGetValue((parts[0], parts[1]), out (long Hits, long Input, long Output, double Seconds) totals);
            long count = (long)value;
            days[(parts[0], parts[1])] = parts[2] switch
            {
                "hits" => (totals.Hits + count, totals.Input, totals.Output, totals.Seconds),
                "input_tokens" => (totals.Hits, totals.Input + count, totals.Output, totals.Seconds),
                "output_tokens" => (totals.Hits, totals.Input, totals.Output + count, totals.Seconds),
                "producer_seconds" => (totals.Hits, totals.Input, totals.Output, totals.Seconds + value),
                _ => totals,
            };
        }

        foreach (KeyValuePair<(string Day, string Model), (long Hits, long Input, long Output, double Seconds)> counted in days)
        {
            (long hits, long input, long output, double seconds) = counted.Value;
            if (counted.Key.Day == "gone")
            {
                ledger.AddGone(counted.Key.Model, hits, input, output, seconds);
            }
            else
            {
                ledger.AddDay(counted.Key.Day, counted.Key.Model, hits, input, output, seconds);
            }
        }

        return ledger;
    });

    public ModelPrices GetPrices(ICacheLog log) => Explicitly(() => ParsePrices(_connection.Run(database => database.StringGet(_keys.Prices)), log));

    /// <summary>A transaction that applies only if no other process changed the prices since they were read; retried until one does.</summary>
    public ModelPrices ChangePrices(Func<ModelPrices, ModelPrices> change, ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            RedisValue seen = _connection.Run(database => database.StringGet(_keys.Prices));
            ModelPrices stored = change(ParsePrices(seen, log));
            bool applied = _connection.Run(database =>
            {
                ITransaction transaction = database.CreateTransaction();
                transaction.AddCondition(seen.IsNull ? Condition.KeyNotExists(_keys.Prices) : Condition.StringEqual(_keys.Prices, seen));
                _ = stored.Count == 0 ? transaction.KeyDeleteAsync(_keys.Prices) : (System.Threading.Tasks.Task)transaction.StringSetAsync(_keys.Prices, stored.ToJson());
                return transaction.Execute();
            });
            _connection.ReportSuccess();
            if (applied)
            {
                return stored;
            }
        }
    });

    private ModelPrices ParsePrices(RedisValue json, ICacheLog log)
    {
        if (json.IsNullOrEmpty)
        {
            return ModelPrices.None;
        }

        try
        {
            return ModelPrices.FromJson((byte[])json!);
        }
        catch (FormatException ex)
        {
            log.Warning($"The prices of {Location}, the key '{_keys.Prices}', cannot be read ({ex.Message}); no money saved is reported until Set-ResponseCacheConfiguration -Price stores them again.");
            return ModelPrices.None;
        }
    }

    public CacheConfiguration GetConfiguration(ICacheLog log) => Explicitly(() =>
    {
        (CacheConfiguration configuration, string damage, _) = ReadSettings();
        ReportSettingsDamage(damage, log);
        return configuration;
    });

    public CacheConfigurationChange Configure(int? maxEntries, long? maxBytes, double? ttlDays, bool preview, ICacheLog log, CancellationToken cancellation) => Explicitly(() =>
    {
        var values = new RedisValue[]
        {
            maxEntries is int entries ? entries.ToString(CultureInfo.InvariantCulture) : string.Empty,
            maxBytes is long bytes ? bytes.ToString(CultureInfo.InvariantCulture) : string.Empty,
            Seconds(ttlDays),
            preview ? "1" : "0",
        };
        RedisResult[] result = preview
            ? Evaluate(RedisScripts.Configure, null, values, gateToken: string.Empty)
            : ChangeNamespace(RedisScripts.Configure, null, values, cancellation);
        CacheConfiguration previous = ParseConfiguration((RedisValue)result[1], (RedisValue)result[2], (RedisValue)result[3]);
        CacheConfiguration current = previous.With(maxEntries, maxBytes, ttlDays);
        if (!preview)
        {
            Remember(current);
            ReportSettingsDamage((string?)result[4], log);
            List(again: false);
        }

        return new CacheConfigurationChange(previous, current, (int)result[0]);
    });

    /// <summary>
    /// What hits and misses recorded without waiting has landed once this returns: the server answers a PING on the
    /// connection only after every command sent before it.
    /// </summary>
    public void Flush(ICacheLog log)
    {
        if (Interlocked.Exchange(ref _unconfirmed, 0) == 0)
        {
            return;
        }

        try
        {
            _connection.Run(database => database.Ping());
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            log.Verbose($"The recency and counts of the last lookups in {Location} may not have been recorded: {_connection.Describe(ex)}.");
        }
    }

    public StoreInventory TakeInventory(bool withResponses, ICacheLog log) => Explicitly(() =>
    {
        var keys = new RedisKey[] { _keys.Recency, _keys.Config, _keys.Stats, _keys.ConfigLastGood };
        var values = new RedisValue[] { _keys.EntryPrefix, withResponses ? "1" : "0" };
        RedisResult[] result = (RedisResult[])RedisScripts.Inventory.Evaluate(_connection, keys, values, patient: true)!;
        _connection.ReportSuccess();
        CacheConfiguration configuration = Remember(ParseConfiguration((RedisValue)result[1], (RedisValue)result[2], (RedisValue)result[0]));
        ReportSettingsDamage((string?)result[5], log);
        const int Header = 6;
        int stride = withResponses ? 15 : 14;
        var entries = new List<InventoryEntry>((result.Length - Header) / stride);
        for (int i = Header; i + stride <= result.Length; i += stride)
        {
            if (!KeyHash.TryParse(((string)result[i]!).AsSpan(), out KeyHash hash))
            {
                continue;
            }

            long order = (long)(double)result[i + 1];
            entries.Add(new InventoryEntry(
                new StoredResponse(
                    hash,
                    withResponses ? (byte[])result[i + 14]! : Array.Empty<byte>(),
                    createdAt: ParseDouble((RedisValue)result[i + 3]),
                    lastAccessed: order < 1024 ? null : order / 1024 / 1000.0,
                    timestamp: NullIfEmpty((string?)result[i + 4]),
                    textLength: ParseLong((RedisValue)result[i + 5]),
                    tags: ParseTags((string?)result[i + 6]),
                    expiresAt: ParseDouble((RedisValue)result[i + 7]),
                    usage: ParseUsage(result, i + 8),
                    hits: ParseLong((RedisValue)result[i + 13]) ?? 0),
                (long)result[i + 2]));
        }

        return new StoreInventory(configuration, entries, entries.Sum(entry => entry.SizeBytes), ParseLong((RedisValue)result[3]) ?? 0, ParseLong((RedisValue)result[4]) ?? 0);
    });

    /// <summary>One round trip: the entry if present and fresh (recording the hit), else the producer's lock if free.</summary>
    internal RedisResult[] FindOrLock(KeyHash hash, CachePolicy policy, double? minCreated, string lockToken)
    {
        string hex = hash.ToString();
        DateTimeOffset now = _clock.Now;
        var keys = new RedisKey[] { _keys.Entry(hex), _keys.Recency, _keys.Config, _keys.Stats, _keys.Sequence, _keys.Lock(hex), _keys.ConfigLastGood, _keys.Savings };
        var values = new RedisValue[]
        {
            hex,
            Seconds(UnixTime.ToSeconds(now)),
            now.ToUnixTimeMilliseconds(),
            Seconds(policy.TtlDays * 86400),
            Seconds(minCreated),
            lockToken,
            (long)_options.ProducerLockExpiry.TotalMilliseconds,
            SavingsLedger.DayOf(now),
            SavingsLedger.FirstKeptDay(now),
        };
        return (RedisResult[])RedisScripts.FindOrLock.Evaluate(_connection, keys, values)!;
    }

    /// <summary>
    /// Sends what a lookup records without waiting for it. A server out of reach loses it (a recency bump, a count):
    /// the lookup has its answer already and the next one reports the outage.
    /// </summary>
    private void Record(Action<IDatabase> send)
    {
        try
        {
            send(_connection.Database);
            Volatile.Write(ref _unconfirmed, 1);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
        }
    }

    internal void Release(RedisKey lockKey, string token)
    {
        try
        {
            RedisScripts.ReleaseLock.Evaluate(_connection, new[] { lockKey }, new RedisValue[] { token });
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // The lock expires on its own.
        }
    }

    /// <summary>
    /// Whether another store is this namespace on this server and database, though reached through another connection
    /// (another spelling of the server, other options): a token written through this one is read through the other.
    /// The token's key expires on its own if it cannot be removed. False when either server cannot be reached.
    /// </summary>
    internal bool IsSameNamespaceAs(RedisStore other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (!string.Equals(_keys.Name, other._keys.Name, StringComparison.Ordinal))
        {
            return false;
        }

        string token = Guid.NewGuid().ToString("N");
        RedisKey probe = _keys.Probe(token);
        try
        {
            _connection.Run(database => database.StringSet(probe, token, TimeSpan.FromMinutes(1)));
            try
            {
                return other._connection.Run(database => (string?)database.StringGet(probe)) == token;
            }
            finally
            {
                _connection.Run(database => database.KeyDelete(probe));
            }
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            return false;
        }
    }

    /// <summary>A reason that names the key at fault when a key of this namespace holds the wrong type; else null.</summary>
    internal string? ExplainKeyFault(Exception ex, RedisKey? entry = null)
    {
        if (!RedisKeyTypes.IsWrongType(ex))
        {
            return null;
        }

        try
        {
            IReadOnlyList<WrongTypedKey> wrong = _connection.Run(database => RedisKeyTypes.FindWrongTyped(database, _keys, entry), patient: true);
            if (wrong.Count == 0 && entry is null)
            {
                // A namespace-wide script (a listing, a clear of expired entries) may have met an entry of another type.
                wrong = RedisKeyTypes.FindWrongTypedEntry(_connection, _keys);
            }

            return RedisKeyTypes.Explain(wrong, _keys);
        }
        catch (Exception probe) when (RedisConnection.IsUnavailable(probe))
        {
            return null;
        }
    }

    /// <summary>Clearing is the repair for a key written by hand with another type: it goes, as the entries do.</summary>
    private void RemoveWrongTypedKeys(ICacheLog log)
    {
        foreach (WrongTypedKey wrong in _connection.Run(database => RedisKeyTypes.FindWrongTyped(database, _keys), patient: true))
        {
            _connection.Run(database => database.KeyDelete(wrong.Key));
            log.Warning($"Removed the key {wrong.Key} from {Location}: it held a {RedisKeyTypes.Name(wrong.Found)} where the cache keeps a {RedisKeyTypes.Name(wrong.Expected)}.");
        }
    }

    private CacheConfiguration Remember(CacheConfiguration configuration) => _knownConfiguration = configuration;

    /// <summary>Lists the namespace in the server's index after a write: once per process, or again when told to.</summary>
    private void List(bool again)
    {
        if (Interlocked.Exchange(ref _listed, 1) == 0 || again)
        {
            RedisNamespaceIndex.Add(_connection, _keys.Name);
        }
    }

    /// <summary>
    /// The configuration the namespace's scripts apply (see RedisScripts.SettingsReader), why its hash cannot be used
    /// ('' when it can), and whether no good configuration is known at all (nothing is evicted then).
    /// </summary>
    private (CacheConfiguration Configuration, string Damage, bool Lost) ReadSettings()
    {
        var keys = new RedisKey[] { _keys.Config, _keys.ConfigLastGood };
        RedisResult[] result = (RedisResult[])RedisScripts.Settings.Evaluate(_connection, keys, Array.Empty<RedisValue>())!;
        _connection.ReportSuccess();
        CacheConfiguration configuration = Remember(ParseConfiguration((RedisValue)result[0], (RedisValue)result[1], (RedisValue)result[2]));
        string damage = (string?)result[3] ?? string.Empty;
        return (configuration, damage, damage.Length > 0 && ((RedisValue)result[0]).IsNullOrEmpty);
    }

    /// <summary>Once per damage, not per call: the namespace goes on with its last good configuration, or evicts nothing.</summary>
    private void ReportSettingsDamage(string? damage, ICacheLog log)
    {
        if (string.IsNullOrEmpty(damage))
        {
            _reportedSettingsDamage = null;
            return;
        }

        if (damage == _reportedSettingsDamage)
        {
            return;
        }

        _reportedSettingsDamage = damage;
        (CacheConfiguration configuration, _, bool lost) = ReadSettings();
        string problem = $"The configuration of {Location}, the hash '{_keys.Config}', cannot be read ({damage}).";
        string repair = $"Set-ResponseCacheConfiguration -ConnectionString <this cache's> -Namespace '{_keys.Name}'";
        log.Warning(lost
            ? $"{problem} No earlier configuration is known, so the namespace evicts nothing until it is configured again: {repair} -MaxEntries <n> -TtlDays <days>"
            : $"{problem} The namespace goes on with its last good configuration ({configuration}), kept in '{_keys.ConfigLastGood}'. To write it again: {repair} {configuration.ToParameterText()}");
    }

    /// <summary>Runs a namespace-wide change, waiting (within the gate timeout) while another writer holds the namespace's gate.</summary>
    private RedisResult[] ChangeNamespace(RedisScript script, RedisKey? extraKey, IEnumerable<RedisValue> arguments, CancellationToken cancellation)
    {
        List<RedisValue> values = arguments.ToList();
        string token = Guid.NewGuid().ToString("N");
        DateTime deadline = DateTime.UtcNow + _options.WriteGateTimeout;
        int pause = 1;
        while (true)
        {
            RedisResult[] result = Evaluate(script, extraKey, values, token);
            _connection.ReportSuccess();
            if (!IsBusy(result))
            {
                return result;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new CacheLockTimeoutException((string)_keys.Gate!, _options.WriteGateTimeout, null);
            }

            cancellation.WaitHandle.WaitOne(pause);
            cancellation.ThrowIfCancellationRequested();
            pause = Math.Min(pause * 2, 20);
        }
    }

    private static bool IsBusy(RedisResult[] result) => result.Length == 1 && (int)result[0] == -1;

    private RedisResult[] Evaluate(RedisScript script, RedisKey? extraKey, IReadOnlyList<RedisValue> arguments, string gateToken)
    {
        DateTimeOffset now = _clock.Now;
        var values = new RedisValue[4 + arguments.Count];
        values[0] = _keys.EntryPrefix;
        values[1] = gateToken;
        values[2] = Seconds(UnixTime.ToSeconds(now));
        values[3] = now.ToUnixTimeMilliseconds();
        for (int i = 0; i < arguments.Count; i++)
        {
            values[4 + i] = arguments[i];
        }

        return (RedisResult[])script.Evaluate(_connection, _keys.WideKeys(extraKey), values, patient: true)!;
    }

    /// <summary>An explicit call: a server that cannot be reached is the caller's error, never a silent miss.</summary>
    private T Explicitly<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw _connection.Unavailable(Location, ex, ExplainKeyFault(ex));
        }
    }

    private void Explicitly(Action call) => Explicitly(() =>
    {
        call();
        return 0;
    });

    private static CacheConfiguration ParseConfiguration(RedisValue maxEntries, RedisValue maxBytes, RedisValue ttlDays) => new CacheConfiguration(
        (int?)ParseLong(maxEntries) ?? CacheConfiguration.DefaultMaxEntries,
        ParseLong(maxBytes),
        ParseDouble(ttlDays) ?? CacheConfiguration.DefaultTtlDays);

    private static RedisValue Seconds(double? seconds) =>
        seconds is double value ? value.ToString("R", CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    private static double? ParseDouble(RedisValue value) =>
        !value.IsNullOrEmpty && double.TryParse((string?)value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;

    private static long? ParseLong(RedisValue value) =>
        !value.IsNullOrEmpty && long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // Tags hold no control character (EntryTags), so a line break separates them.
    private static string TagText(IReadOnlyList<string> tags) => string.Join("\n", tags);

    private static string IndexText(IReadOnlyList<string> tags) => string.Join("\n", tags.Select(EntryTags.IndexName).Distinct());

    private static IEnumerable<RedisValue> UsageValues(EntryUsage usage) => new[]
    {
        (RedisValue)(usage.Model ?? string.Empty),
        Count(usage.InputTokens),
        Count(usage.OutputTokens),
        Count(usage.CachedInputTokens),
        Seconds(usage.ProducerSeconds),
    };

    private static RedisValue Count(long? count) => count is long value ? value.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    /// <summary>Model, input, output and cached input tokens, and producer seconds, from <paramref name="start"/> on.</summary>
    private static EntryUsage ParseUsage(RedisResult[] result, int start) => new EntryUsage(
        NullIfEmpty((string?)result[start]),
        ParseLong((RedisValue)result[start + 1]),
        ParseLong((RedisValue)result[start + 2]),
        ParseLong((RedisValue)result[start + 3]),
        ParseDouble((RedisValue)result[start + 4]));

    private static IReadOnlyList<string> ParseTags(string? text) =>
        string.IsNullOrEmpty(text) ? Array.Empty<string>() : text!.Split('\n');
}
