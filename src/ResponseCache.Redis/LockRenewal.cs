using System;
using System.Threading;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// Keeps a get-or-add lock alive while its producer runs: every third of the expiry it is extended, if the token still
/// owns it. A process that dies stops renewing, so its lock expires and a waiter elsewhere takes over. The renewal has
/// a thread of its own: a busy thread pool must not let a live producer's lock expire.
/// </summary>
internal sealed class LockRenewal : IDisposable
{
    private readonly RedisConnection _connection;
    private readonly RedisKey _lockKey;
    private readonly string _token;
    private readonly TimeSpan _expiry;
    private readonly ManualResetEventSlim _stopped = new ManualResetEventSlim();
    private readonly Thread _thread;

    public LockRenewal(RedisConnection connection, RedisKey lockKey, string token, TimeSpan expiry)
    {
        _connection = connection;
        _lockKey = lockKey;
        _token = token;
        _expiry = expiry;
        _thread = new Thread(Run) { IsBackground = true, Name = "ResponseCache lock renewal" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stopped.Set();
        _thread.Join();
        _stopped.Dispose();
    }

    private void Run()
    {
        TimeSpan period = TimeSpan.FromMilliseconds(Math.Max(1, _expiry.TotalMilliseconds / 3));
        while (!_stopped.Wait(period))
        {
            try
            {
                RedisScripts.RenewLock.Evaluate(_connection, new[] { _lockKey }, new RedisValue[] { _token, (long)_expiry.TotalMilliseconds });
            }
            catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
            {
                // Renewed on the next round, if the server is back before the lock expires.
            }
        }
    }
}
