using System;
using System.Collections.Generic;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>The Redis caches of this process: one connection per endpoint, shared by every runspace; one backend per namespace.</summary>
public static class RedisCaches
{
    private static readonly object s_gate = new object();
    private static readonly Dictionary<string, RedisConnection> s_connections = new Dictionary<string, RedisConnection>(StringComparer.Ordinal);
    private static readonly Dictionary<string, RedisCacheBackend> s_backends = new Dictionary<string, RedisCacheBackend>(StringComparer.Ordinal);
    private static readonly RedisCacheOptions s_defaults = new RedisCacheOptions();

    /// <summary>
    /// The cache of a namespace on the server a connection string names (StackExchange.Redis format, or a redis:// or
    /// rediss:// URI). A user and password, when given, override the connection string's.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string or namespace is not valid (the message never holds a password).</exception>
    public static ICacheBackend Open(string connectionString, string @namespace, string? user = null, string? password = null)
    {
        ConfigurationOptions options = RedisConnectionString.Parse(connectionString, user, password, s_defaults.Timeout, s_defaults.ChangeTimeout);
        var keys = new RedisNamespaceKeys(@namespace);
        string connectionKey = options.ToString(includePassword: true);
        lock (s_gate)
        {
            string backendKey = connectionKey + "\n" + keys.Name;
            if (s_backends.TryGetValue(backendKey, out RedisCacheBackend? backend))
            {
                return backend;
            }

            if (!s_connections.TryGetValue(connectionKey, out RedisConnection? connection))
            {
                connection = RedisConnection.Open(options);
                s_connections.Add(connectionKey, connection);
            }

            backend = new RedisCacheBackend(connection, keys, s_defaults);
            s_backends.Add(backendKey, backend);
            return backend;
        }
    }

    /// <summary>
    /// A cache on a connection of its own, with its own options: what a test uses to stand for another process. The
    /// caller disposes the connection it gets.
    /// </summary>
    internal static RedisCacheBackend OpenPrivate(string connectionString, string @namespace, RedisCacheOptions options, out IDisposable connection, string? user = null, string? password = null)
    {
        ConfigurationOptions configuration = RedisConnectionString.Parse(connectionString, user, password, options.Timeout, options.ChangeTimeout);
        var keys = new RedisNamespaceKeys(@namespace);
        RedisConnection opened = RedisConnection.Open(configuration);
        connection = opened;
        return new RedisCacheBackend(opened, keys, options);
    }
}
