using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// One client connection to a server (or cluster), shared by every namespace and runspace that uses it. It reconnects
/// on its own; this class only remembers whether the server is down, so an outage is reported once, not per call.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly string? _password;
    private int _down;

    private RedisConnection(ConnectionMultiplexer multiplexer, string server, string? password)
    {
        Multiplexer = multiplexer;
        Server = server;
        _password = password;
    }

    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>The servers, e.g. <c>redis://cache01:6379</c>: never a user or password.</summary>
    public string Server { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>Connects in the background: this returns within the connect timeout even when the server is down.</summary>
    public static RedisConnection Open(ConfigurationOptions options)
    {
        ConnectionMultiplexer multiplexer = ConnectionMultiplexer.Connect(options);
        return new RedisConnection(multiplexer, RedisConnectionString.Describe(options), options.Password);
    }

    /// <summary>A failure that means the server could not be used (rather than a fault in this code).</summary>
    public static bool IsUnavailable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or RedisServerException or SocketException or IOException or ObjectDisposedException;

    /// <summary>What a failure means to a user, without anything the client library quotes from the configuration.</summary>
    public string Describe(Exception ex) => ex switch
    {
        _ when IsTlsFailure(ex) =>
            "the TLS handshake failed: the server's certificate is not trusted here, or the server does not speak TLS",
        _ when IsAuthenticationFailure(ex) =>
            "authentication failed: the server refused the user name or password, or requires a password and none was given (NOAUTH/WRONGPASS)",
        RedisConnectionException connection => connection.FailureType switch
        {
            ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection =>
                "no connection to the server could be made",
            _ => "the connection to the server failed (" + connection.FailureType + ")",
        },
        RedisTimeoutException => "the server did not answer in time",
        // Only what the client library or the server wrote may quote the configuration: the module's own words are
        // never searched for the password, since the stars left in them would spell it out.
        RedisServerException server => "the server answered with an error: " + RedisConnectionString.Redact(server.Message, _password),
        _ => RedisConnectionString.Redact(ex.Message, _password),
    };

    /// <summary>
    /// Reports a failed read: a warning for the first failure after a success (one per outage for every cache on this
    /// connection), verbose messages after that.
    /// </summary>
    public void ReportOutage(string location, Exception ex, ICacheLog log, string consequence, string? reason = null)
    {
        string message = $"The cache at {location} is not available ({reason ?? Describe(ex)}); {consequence}";
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            log.Warning(message + " Further failures are reported as verbose messages until the server answers again.");
        }
        else
        {
            log.Verbose(message);
        }
    }

    /// <summary>The server answered: the next failure is a new outage.</summary>
    public void ReportSuccess() => Volatile.Write(ref _down, 0);

    public CacheUnavailableException Unavailable(string location, Exception ex, string? reason = null) =>
        new CacheUnavailableException(location, (reason ?? Describe(ex)) + ".", authenticationFailed: IsAuthenticationFailure(ex));

    /// <summary>
    /// A refused AUTH (or a command the server refused for want of one). While the connection never authenticated, the
    /// client reports "no connection is available" and keeps the server's NOAUTH or WRONGPASS answer inside.
    /// </summary>
    private static bool IsAuthenticationFailure(Exception ex)
    {
        // The client files a failed TLS handshake under AuthenticationFailure too; that is no password's fault.
        if (IsTlsFailure(ex))
        {
            return false;
        }

        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || inner.Message.IndexOf("NOAUTH", StringComparison.Ordinal) >= 0
                || inner.Message.IndexOf("WRONGPASS", StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTlsFailure(Exception ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => Multiplexer.Dispose();
}
