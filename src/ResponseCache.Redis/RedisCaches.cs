using System;
using ResponseCache.Core;

namespace ResponseCache.Redis;

/// <summary>The Redis caches of this process: one connection per endpoint, shared by every runspace; one backend per namespace.</summary>
public static class RedisCaches
{
    /// <summary>
    /// The cache of a namespace on the server a connection string names (StackExchange.Redis format, or a redis:// or
    /// rediss:// URI). A user and password, when given, override the connection string's.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string or namespace is not valid (the message never holds a password).</exception>
    public static ICacheBackend Open(string connectionString, string @namespace, string? user = null, string? password = null) =>
        throw new NotImplementedException("The Redis backend is being built.");
}
