using System;
using System.Threading;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// Keeps a get-or-add lock alive while its producer runs: every third of the expiry it is extended, if the token still
/// owns it. A process that dies stops renewing, so its lock expires and a waiter elsewhere takes over.
/// </summary>
internal sealed class LockRenewal : IDisposable
{
    private readonly RedisConnection _connection;
    private readonly RedisKey _lockKey;
    private readonly string _token;
    private readonly long _expiryMilliseconds;
    private readonly Timer _timer;

    public LockRenewal(RedisConnection connection, RedisKey lockKey, string token, TimeSpan expiry)
    {
        _connection = connection;
        _lockKey = lockKey;
        _token = token;
        _expiryMilliseconds = (long)expiry.TotalMilliseconds;
        TimeSpan period = TimeSpan.FromMilliseconds(Math.Max(1, expiry.TotalMilliseconds / 3));
        _timer = new Timer(_ => Renew(), null, period, period);
    }

    public void Dispose() => _timer.Dispose();

    private void Renew()
    {
        try
        {
            RedisScripts.RenewLock.Evaluate(_connection.Database, new[] { _lockKey }, new RedisValue[] { _token, _expiryMilliseconds });
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // Renewed on the next tick, if the server is back before the lock expires.
        }
    }
}
