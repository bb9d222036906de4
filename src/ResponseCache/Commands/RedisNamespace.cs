namespace ResponseCache.Commands;

/// <summary>What a namespace may be: its name becomes part of every Redis key of the cache, inside a cluster hash tag.</summary>
internal static class RedisNamespace
{
    public const string Pattern = @"^[^\s{}\p{C}]{1,128}$";
}
