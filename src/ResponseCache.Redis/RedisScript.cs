using System;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>A Lua script sent by its SHA-1 (EVALSHA), and by its text only when the server does not know it yet.</summary>
internal sealed class RedisScript
{
    private readonly string _text;
    private readonly byte[] _sha1;

    public RedisScript(string text)
    {
        _text = text;
        using SHA1 sha1 = SHA1.Create();
        _sha1 = sha1.ComputeHash(Encoding.UTF8.GetBytes(text));
    }

    public RedisResult Evaluate(IDatabase database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return database.ScriptEvaluate(_sha1, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // EVAL runs the script and leaves it in the server's script cache for the next EVALSHA.
            return database.ScriptEvaluate(_text, keys, values);
        }
    }
}
