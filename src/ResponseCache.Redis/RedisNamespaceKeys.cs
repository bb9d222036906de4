using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// The key names of one namespace. Every key carries the hash tag <c>{ns}</c>, so a Redis Cluster keeps a namespace in
/// one slot and its scripts may touch all of them; nothing outside the prefix <c>rc:{ns}:</c> is ever read or written
/// but the server's index of namespaces (<see cref="RedisNamespaceIndex"/>).
/// </summary>
internal sealed class RedisNamespaceKeys
{
    public RedisNamespaceKeys(string name)
    {
        RedisNamespaceRule.Validate(name);
        Name = name;
        string prefix = "rc:{" + name + "}:";
        EntryPrefix = prefix + "e:";
        LockPrefix = prefix + "lock:";
        Recency = prefix + "lru";
        Expiry = prefix + "exp";
        Sizes = prefix + "sizes";
        Bytes = prefix + "bytes";
        Config = prefix + "config";
        ConfigLastGood = prefix + "config:last-good";
        Gate = prefix + "gate";
        Sequence = prefix + "seq";
        Stats = prefix + "stats";
        Tags = prefix + "tags";
        Lifetimes = prefix + "until";
        Prices = prefix + "prices";
        Savings = prefix + "savings";
    }

    public string Name { get; }

    /// <summary>Entry hashes are this prefix plus the key's 64 hex digits.</summary>
    public string EntryPrefix { get; }

    public string LockPrefix { get; }

    /// <summary>Sorted set of entry hashes by recency (see the scripts' order()).</summary>
    public RedisKey Recency { get; }

    /// <summary>Sorted set of entry hashes by expiry time (Unix seconds), to forget entries Redis expired.</summary>
    public RedisKey Expiry { get; }

    /// <summary>Hash of entry hash to size: what the size cap counts, known even after Redis expired the entry.</summary>
    public RedisKey Sizes { get; }

    public RedisKey Bytes { get; }

    public RedisKey Config { get; }

    /// <summary>A copy of the last configuration read or written sound, which the namespace keeps using while <see cref="Config"/> cannot be read.</summary>
    public RedisKey ConfigLastGood { get; }

    /// <summary>The namespace's write mutex: scripts are atomic on Redis, but not on every Redis-protocol server.</summary>
    public RedisKey Gate { get; }

    public RedisKey Sequence { get; }

    public RedisKey Stats { get; }

    /// <summary>
    /// Hash of entry hash to its tags' index names (one a line): the namespace's own tag index. The entries of a tag
    /// are the set at this key's name plus ':' plus the tag's index name, so removal by tag reads only those.
    /// </summary>
    public RedisKey Tags { get; }

    /// <summary>Sorted set of the entries that have a lifetime of their own, by its end (Unix seconds).</summary>
    public RedisKey Lifetimes { get; }

    /// <summary>String of the user's prices as JSON (see <see cref="ModelPrices.ToJson"/>): part of the namespace's configuration, which Clear keeps.</summary>
    public RedisKey Prices { get; }

    /// <summary>
    /// Hash of the namespace's savings ledger (<see cref="SavingsLedger"/>): the field "gone\n&lt;model&gt;\n&lt;count&gt;" holds
    /// what entries no longer in the namespace had saved, "&lt;yyyy-MM-dd&gt;\n&lt;model&gt;\n&lt;count&gt;" a UTC day's hits; the
    /// counts are hits, input_tokens, output_tokens and producer_seconds. The scripts that remove entries and record
    /// hits add to it; Clear keeps it unless asked to reset it.
    /// </summary>
    public RedisKey Savings { get; }

    public RedisKey Entry(string hashHex) => EntryPrefix + hashHex;

    public RedisKey Lock(string hashHex) => LockPrefix + hashHex;

    /// <summary>A short-lived key that tells whether two connections reach this same namespace (see RedisStore.IsSameNamespaceAs).</summary>
    public RedisKey Probe(string token) => "rc:{" + Name + "}:probe:" + token;

    /// <summary>The keys every namespace-wide script receives, in the order RedisScripts reads them.</summary>
    public RedisKey[] WideKeys(RedisKey? extra = null) => extra is RedisKey key
        ? new[] { Recency, Expiry, Sizes, Bytes, Config, Gate, Sequence, Stats, ConfigLastGood, Tags, Lifetimes, Savings, key }
        : new[] { Recency, Expiry, Sizes, Bytes, Config, Gate, Sequence, Stats, ConfigLastGood, Tags, Lifetimes, Savings };
}
