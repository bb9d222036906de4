using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// Opens the Redis caches of this process, kept in <see cref="OpenCaches"/>: one connection per endpoint, shared by
/// every runspace; one backend per namespace.
/// </summary>
public static class RedisCaches
{
    private static readonly RedisCacheOptions s_defaults = new RedisCacheOptions();

    // Every cmdlet call names its cache by connection string: parsing it once, not per call, is a tenth of a hit.
    private static readonly ConcurrentDictionary<(string ConnectionString, string? User, string? Password), string> s_connectionKeys =
        new ConcurrentDictionary<(string, string?, string?), string>();

    /// <summary>
    /// The cache of a namespace on the server a connection string names (StackExchange.Redis format, or a redis:// or
    /// rediss:// URI). A user and password, when given, override the connection string's.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string or namespace is not valid (the message never holds a password).</exception>
    public static ICacheBackend Open(string connectionString, string @namespace, string? user = null, string? password = null)
    {
        ConfigurationOptions? options = null;
        string connectionKey = s_connectionKeys.GetOrAdd((connectionString, user, password), _ =>
        {
            options = Parse(connectionString, user, password);
            return "redis " + options.ToString(includePassword: true);
        });
        return OpenCaches.GetOrOpen(connectionKey + "\n" + @namespace, () =>
        {
            var keys = new RedisNamespaceKeys(@namespace);
            RedisConnection connection = OpenCaches.GetOrConnect(connectionKey, () => RedisConnection.Open(options ?? Parse(connectionString, user, password), s_defaults.Clock, s_defaults.BreakDuration));
            return new RedisCache(connection, keys, s_defaults);
        });
    }

    private static ConfigurationOptions Parse(string connectionString, string? user, string? password) =>
        RedisConnectionString.Parse(connectionString, user, password, s_defaults.Timeout, s_defaults.ChangeTimeout);

    /// <summary>
    /// Whether two caches are one namespace on one server and database, however their connection strings spell the
    /// server: a token written through one is read through the other. False when either cannot be reached.
    /// </summary>
    public static bool AreSameNamespace(ICacheBackend first, ICacheBackend second) =>
        ReferenceEquals(first, second) || (first is RedisCache one && second is RedisCache other && one.IsSameNamespaceAs(other));

    /// <summary>
    /// A namespace's cache on a connection of its own whose connect and commands time out after
    /// <paramref name="timeout"/> (unless the connection string sets its own), for a quick look such as tab completion:
    /// what it meets never opens the circuit breaker of the connection the cmdlets share. The caller disposes the connection.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string or namespace is not valid (the message never holds a password).</exception>
    public static ICacheBackend OpenBrief(string connectionString, string @namespace, string? user, string? password, TimeSpan timeout, out IDisposable connection) =>
        OpenPrivate(connectionString, @namespace, new RedisCacheOptions { Timeout = timeout, ChangeTimeout = timeout }, out connection, user, password);

    /// <summary>
    /// The namespaces the server's index lists (see about_ResponseCache: a hint, not a scan of the server), in ordinal
    /// order, read through a connection of its own as <see cref="OpenBrief"/> opens one.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is not valid (the message never holds a password).</exception>
    public static IReadOnlyList<string> ListNamespaces(string connectionString, string? user, string? password, TimeSpan timeout)
    {
        ConfigurationOptions configuration = RedisConnectionString.Parse(connectionString, user, password, timeout, timeout);
        using RedisConnection connection = RedisConnection.Open(configuration, s_defaults.Clock, s_defaults.BreakDuration);
        return RedisNamespaceIndex.Read(connection);
    }

    /// <summary>
    /// A cache on a connection of its own, with its own options: what a test uses to stand for another process. The
    /// caller disposes the connection it gets.
    /// </summary>
    internal static RedisCache OpenPrivate(string connectionString, string @namespace, RedisCacheOptions options, out IDisposable connection, string? user = null, string? password = null)
    {
        ConfigurationOptions configuration = RedisConnectionString.Parse(connectionString, user, password, options.Timeout, options.ChangeTimeout);
        var keys = new RedisNamespaceKeys(@namespace);
        RedisConnection opened = RedisConnection.Open(configuration, options.Clock, options.BreakDuration);
        connection = opened;
        return new RedisCache(opened, keys, options);
    }
}
