namespace ResponseCache.Commands;

/// <summary>
/// What a namespace may be, checked when the parameter binds so a bad one never loads the Redis client: the rule of
/// ResponseCache.Redis.RedisNamespace (1 to 128 characters; no white space, control characters or braces, since the
/// name sits inside the cluster hash tag of every key).
/// </summary>
internal static class RedisNamespace
{
    public const string Pattern = @"^[^\s{}\p{Cc}]{1,128}$";
}
