using System;
using System.Runtime.CompilerServices;
using ResponseCache.Core;
using ResponseCache.Redis;

namespace ResponseCache;

/// <summary>
/// The one place the cmdlets name a Redis type. The JIT loads ResponseCache.Redis and StackExchange.Redis when it
/// compiles a method that uses them, so this method is kept out of line: a session that uses only local caches
/// never loads either.
/// </summary>
internal static class RedisBackendLoader
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ICacheBackend Open(string connectionString, string @namespace, string? user, string? password) =>
        RedisCaches.Open(connectionString, @namespace, user, password);

    /// <summary>A namespace's cache on a connection of its own with short timeouts, for a quick look; the caller disposes the connection.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ICacheBackend OpenBrief(string connectionString, string @namespace, string? user, string? password, TimeSpan timeout, out IDisposable connection) =>
        RedisCaches.OpenBrief(connectionString, @namespace, user, password, timeout, out connection);

    /// <summary>Whether two Redis caches opened through different connection strings are one namespace on one server and database.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool AreSameNamespace(ICacheBackend first, ICacheBackend second) =>
        RedisCaches.AreSameNamespace(first, second);
}
