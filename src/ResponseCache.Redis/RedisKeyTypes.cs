using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// The type the cache keeps in each key of a namespace. A key written by hand with another type (<c>SET rc:{ns}:lru x</c>)
/// fails every script that touches it with WRONGTYPE, which names no key: this finds the key, so the error can name it
/// and Clear can remove it.
/// </summary>
internal static class RedisKeyTypes
{
    public static bool IsWrongType(Exception ex) =>
        ex is RedisServerException && ex.Message.IndexOf("WRONGTYPE", StringComparison.Ordinal) >= 0;

    /// <summary>The namespace's keys (and an entry's, when given) that hold another type than the cache keeps there; one round trip.</summary>
    public static IReadOnlyList<WrongTypedKey> FindWrongTyped(IDatabase database, RedisNamespaceKeys keys, RedisKey? entry = null)
    {
        var expected = new List<(RedisKey Key, RedisType Type)>
        {
            (keys.Recency, RedisType.SortedSet),
            (keys.Expiry, RedisType.SortedSet),
            (keys.Sizes, RedisType.Hash),
            (keys.Bytes, RedisType.String),
            (keys.Config, RedisType.Hash),
            (keys.Gate, RedisType.String),
            (keys.Sequence, RedisType.String),
            (keys.Stats, RedisType.Hash),
            (keys.Tags, RedisType.Hash),
            (keys.Lifetimes, RedisType.SortedSet),
        };
        if (entry is RedisKey entryKey)
        {
            expected.Add((entryKey, RedisType.Hash));
        }

        IBatch batch = database.CreateBatch();
        List<Task<RedisType>> found = expected.Select(key => batch.KeyTypeAsync(key.Key)).ToList();
        batch.Execute();
        return expected
            .Select((key, i) => new WrongTypedKey(key.Key, found[i].GetAwaiter().GetResult(), key.Type))
            .Where(key => key.Found != RedisType.None && key.Found != key.Expected)
            .ToList();
    }

    /// <summary>The first entry key of the namespace that holds another type than a hash; none when every one is sound. One script.</summary>
    public static IReadOnlyList<WrongTypedKey> FindWrongTypedEntry(RedisConnection connection, RedisNamespaceKeys keys)
    {
        var found = (RedisResult[])RedisScripts.FindWrongTypedEntry.Evaluate(connection, new[] { keys.Recency }, new RedisValue[] { keys.EntryPrefix }, patient: true)!;
        return found.Length == 2
            ? new[] { new WrongTypedKey((string)found[0]!, Parse((string)found[1]!), RedisType.Hash) }
            : Array.Empty<WrongTypedKey>();
    }

    /// <summary>What a user reads: the key, what it holds, and how to repair it.</summary>
    public static string Explain(IReadOnlyList<WrongTypedKey> wrong, RedisNamespaceKeys keys)
    {
        string repair = $"Clear-ResponseCache on namespace '{keys.Name}' removes it, with the namespace's entries";
        if (wrong.Count == 0)
        {
            return $"a key under rc:{{{keys.Name}}}: holds another type than the cache keeps there (WRONGTYPE); {repair}";
        }

        WrongTypedKey first = wrong[0];
        string named = $"the key {first.Key} holds a {Name(first.Found)} where the cache keeps a {Name(first.Expected)} (WRONGTYPE)";
        return first.Key.ToString().StartsWith(keys.EntryPrefix, StringComparison.Ordinal)
            ? named + $"; Remove-CachedResponse for that key, or Clear-ResponseCache on namespace '{keys.Name}', removes it"
            : named + "; " + repair;
    }

    private static RedisType Parse(string type) => type switch
    {
        "string" => RedisType.String,
        "list" => RedisType.List,
        "set" => RedisType.Set,
        "zset" => RedisType.SortedSet,
        "hash" => RedisType.Hash,
        "stream" => RedisType.Stream,
        _ => RedisType.Unknown,
    };

    public static string Name(RedisType type) => type switch
    {
        RedisType.SortedSet => "sorted set",
        RedisType.String => "string",
        RedisType.Hash => "hash",
        RedisType.List => "list",
        RedisType.Set => "set",
        RedisType.Stream => "stream",
        _ => type.ToString().ToLowerInvariant(),
    };
}

internal readonly struct WrongTypedKey
{
    public WrongTypedKey(RedisKey key, RedisType found, RedisType expected)
    {
        Key = key;
        Found = found;
        Expected = expected;
    }

    public RedisKey Key { get; }

    public RedisType Found { get; }

    public RedisType Expected { get; }
}
