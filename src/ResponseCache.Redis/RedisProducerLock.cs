using System;
using System.Threading;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// Get-or-add across processes and hosts: a lock key per entry (SET NX PX with a token), taken in the same script
/// that looks for the entry. The owner's lock is renewed while it produces and released with the write that caches
/// the response, or on its own if it fails; waiters poll with backoff and take the entry when it appears. A lock
/// whose owner died expires, and a waiter takes it.
/// </summary>
internal sealed class RedisProducerLock : IProducerLock
{
    private readonly RedisStore _store;
    private readonly RedisCacheOptions _options;

    public RedisProducerLock(RedisStore store, RedisCacheOptions options)
    {
        _store = store;
        _options = options;
    }

    public ProducerTicket Acquire(KeyHash hash, CachePolicy policy, bool refresh, ICacheLog log, CancellationToken cancellation)
    {
        string token = Guid.NewGuid().ToString("N");
        // A refresh takes no cached entry at first; once it waited for another caller's run, it takes what that run stored.
        double startedAt = UnixTime.ToSeconds(_options.Clock.Now);
        double? minCreated = refresh ? double.MaxValue : null;
        DateTime deadline = DateTime.UtcNow + _options.ProducerWaitTimeout;
        TimeSpan pause = TimeSpan.FromMilliseconds(25);
        bool waited = false;
        while (true)
        {
            RedisResult[] result;
            try
            {
                result = _store.FindOrLock(hash, policy, minCreated, token);
                _store.Connection.ReportSuccess();
            }
            catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
            {
                _store.Connection.ReportOutage(_store.Location, ex, log, "the response is produced without the cache.", _store.ExplainKeyFault(ex, _store.Keys.Entry(hash.ToString())));
                return ProducerTicket.Unavailable;
            }

            if (result.Length == 2)
            {
                return ProducerTicket.ProducedElsewhere((byte[])result[1]!);
            }

            if ((int)result[0] == 2)
            {
                return ProducerTicket.Owned(new RedisProducerLease(_store, _store.Keys.Lock(hash.ToString()), token, _options.ProducerLockExpiry));
            }

            minCreated = refresh ? startedAt : null;
            if (!waited)
            {
                log.Verbose($"Another caller is producing the response for key {hash.ToShortString()} in {_store.Location}; waiting for it.");
                waited = true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ProducerWaitTimeoutException(hash, _options.ProducerWaitTimeout);
            }

            cancellation.WaitHandle.WaitOne(pause);
            cancellation.ThrowIfCancellationRequested();
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 1.5, _options.MaxPollInterval.TotalMilliseconds));
        }
    }
}

/// <summary>A held get-or-add lock: renewed until disposed, then released unless the write that cached the response released it.</summary>
internal sealed class RedisProducerLease : IProducerLease
{
    private readonly RedisStore _store;
    private LockRenewal? _renewal;
    private bool _released;

    public RedisProducerLease(RedisStore store, RedisKey lockKey, string token, TimeSpan expiry)
    {
        _store = store;
        LockKey = lockKey;
        Token = token;
        _renewal = new LockRenewal(store.Connection, lockKey, token, expiry);
    }

    public RedisKey LockKey { get; }

    public string Token { get; }

    /// <summary>The store's write released the lock in its own script.</summary>
    public void MarkReleased()
    {
        StopRenewal();
        _released = true;
    }

    public void Dispose()
    {
        StopRenewal();
        if (!_released)
        {
            _released = true;
            _store.Release(LockKey, Token);
        }
    }

    private void StopRenewal()
    {
        _renewal?.Dispose();
        _renewal = null;
    }
}
