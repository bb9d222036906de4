using System;
using System.Collections.Generic;
using System.Linq;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// The set <c>rc:namespaces</c>: the names of the namespaces a server holds, so they can be offered without scanning
/// the server's keys. It is a key of no namespace (on a Cluster, in a slot of its own), so no namespace's script can
/// write it: each change is a command of its own, sent without waiting and allowed to fail (a user whose ACL allows
/// only the namespace's keys still writes the cache). It is a hint: a namespace whose entries all expired is still
/// listed, and one a write or a clear raced may be listed although empty.
/// </summary>
internal static class RedisNamespaceIndex
{
    public static readonly RedisKey Key = "rc:namespaces";

    public static void Add(RedisConnection connection, string @namespace) =>
        Send(connection, database => database.SetAdd(Key, @namespace, CommandFlags.FireAndForget));

    public static void Remove(RedisConnection connection, string @namespace) =>
        Send(connection, database => database.SetRemove(Key, @namespace, CommandFlags.FireAndForget));

    /// <summary>The namespaces listed, in ordinal order; a member written by hand that is no namespace is left out.</summary>
    public static IReadOnlyList<string> Read(RedisConnection connection) =>
        connection.Run(database => database.SetMembers(Key))
            .Select(member => (string?)member)
            .Where(name => name is not null && IsNamespace(name))
            .Select(name => name!)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList();

    private static void Send(RedisConnection connection, Action<IDatabase> command)
    {
        try
        {
            command(connection.Database);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // The cache works without its index; the next write that finds the namespace empty lists it again.
        }
    }

    private static bool IsNamespace(string name)
    {
        try
        {
            RedisNamespaceRule.Validate(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
