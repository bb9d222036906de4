using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>A Lua script sent by its SHA-1 (EVALSHA), and by its text only when the server does not know it yet.</summary>
internal sealed class RedisScript
{
    private const int Attempts = 3;
    private readonly string _text;
    private readonly byte[] _sha1;

    public RedisScript(string text)
    {
        _text = text;
        using SHA1 sha1 = SHA1.Create();
        _sha1 = sha1.ComputeHash(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// The script's answer. No script here answers nil, yet on a connection that has just been opened the client now
    /// and then hands back no result at all (seen with redis-server 7.0 while several connections sent their first
    /// commands): such a call is tried again, and counts as a timeout if it never answers.
    /// </summary>
    /// <param name="patient">
    /// Sent asynchronously and awaited under the connection's async timeout rather than its sync one: for changes and
    /// listings, which may take longer than a lookup may.
    /// </param>
    public RedisResult Evaluate(RedisConnection connection, RedisKey[] keys, RedisValue[] values, bool patient = false)
    {
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            if (connection.Run(database => EvaluateOnce(database, keys, values, patient), patient) is { IsNull: false } result)
            {
                return result;
            }

            Thread.Sleep(10 * attempt);
        }

        throw new RedisTimeoutException("The server gave no answer to a script.", CommandStatus.Unknown);
    }

    /// <summary>
    /// Sends the script without waiting for it (fire and forget), by its text: a server that does not know its SHA-1
    /// would answer NOSCRIPT to no one. The server runs it before any later command of this connection, in order.
    /// </summary>
    public void Send(IDatabase database, RedisKey[] keys, RedisValue[] values)
    {
        var arguments = new object[2 + keys.Length + values.Length];
        arguments[0] = _text;
        arguments[1] = keys.Length;
        keys.CopyTo(arguments, 2);
        values.CopyTo(arguments, 2 + keys.Length);
        database.Execute("EVAL", arguments, CommandFlags.FireAndForget);
    }

    private RedisResult? EvaluateOnce(IDatabase database, RedisKey[] keys, RedisValue[] values, bool patient)
    {
        try
        {
            // No synchronization context to deadlock on: the client completes its tasks on its own threads.
            return patient
                ? database.ScriptEvaluateAsync(_sha1, keys, values).GetAwaiter().GetResult()
                : database.ScriptEvaluate(_sha1, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // EVAL runs the script and leaves it in the server's script cache for the next EVALSHA; sent as a plain
            // command, past the client's own bookkeeping of which scripts the server holds.
            var arguments = new List<object>(2 + keys.Length + values.Length) { _text, keys.Length };
            arguments.AddRange(keys.Cast<object>());
            arguments.AddRange(values.Cast<object>());
            return patient ? database.ExecuteAsync("EVAL", arguments).GetAwaiter().GetResult() : database.Execute("EVAL", arguments);
        }
    }
}
