using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using ResponseCache.Core;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// One client connection to a server (or cluster), shared by every namespace and runspace that uses it. It reconnects
/// on its own; this class remembers whether the server is down, so an outage is reported once, not per call, and
/// sends every command through the connection's circuit breaker (<see cref="RedisCircuitBreaker"/>), so a server that
/// stopped answering costs one timeout, not one per call.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly string? _password;
    private readonly string? _user;
    private readonly RedisCircuitBreaker _breaker;
    private int _down;

    private RedisConnection(ConnectionMultiplexer multiplexer, string server, string? user, string? password, RedisCircuitBreaker breaker)
    {
        Multiplexer = multiplexer;
        Server = server;
        _user = user;
        _password = password;
        _breaker = breaker;
    }

    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>The servers, e.g. <c>redis://cache01:6379</c>: never a user or password.</summary>
    public string Server { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>
    /// Connects in the background: this returns within the connect timeout even when the server is down. The clock
    /// and the period are the circuit breaker's.
    /// </summary>
    public static RedisConnection Open(ConfigurationOptions options, IClock clock, TimeSpan breakDuration)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        ConnectionMultiplexer multiplexer = ConnectionMultiplexer.Connect(options);
        if (!multiplexer.IsConnected && elapsed.ElapsedMilliseconds < options.ConnectTimeout / 2)
        {
            // One attempt (connectRetry=1, see RedisConnectionString) that failed fast can end before the client has
            // read why (a refused password), and the first call would then say only that no connection could be
            // made. A second attempt learns it; a server that never answers used up the timeout and gets none.
            multiplexer.Configure();
        }

        return new RedisConnection(multiplexer, RedisConnectionString.Describe(options), options.User, options.Password, new RedisCircuitBreaker(clock, breakDuration));
    }

    /// <summary>A failure that means the server could not be used (rather than a fault in this code).</summary>
    public static bool IsUnavailable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or RedisServerException or SocketException or IOException or ObjectDisposedException or RedisCircuitOpenException;

    /// <summary>
    /// Sends a command unless the breaker is open (then <see cref="RedisCircuitOpenException"/> at once). A timeout
    /// opens it for every cache on this connection (a lookup's, when the one before timed out too); once its period is
    /// over, a PING under the lookup timeout goes first, so a server still hung costs the call that, not the command's
    /// own, longer timeout.
    /// </summary>
    /// <param name="patient">The command waits under the async timeout (a change, a listing) rather than a lookup's.</param>
    public T Run<T>(Func<IDatabase, T> command, bool patient = false)
    {
        IDatabase database = Database;
        switch (_breaker.Admit(out RedisCircuitOpenException? refusal))
        {
            case RedisCircuitBreaker.Admission.Refuse:
                throw refusal!;
            case RedisCircuitBreaker.Admission.Probe:
                // The server timed out before: a PING that does too keeps it closed off for another period.
                Send(() => database.Ping(), patient: true);
                break;
        }

        return Send(() => command(database), patient);
    }

    private T Send<T>(Func<T> command, bool patient)
    {
        try
        {
            T result = command();
            _breaker.Close();
            return result;
        }
        catch (RedisTimeoutException)
        {
            _breaker.TimedOut(patient);
            throw;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Refused or lost connections fail at once by themselves, and the client reconnects on its own.
            _breaker.Close();
            throw;
        }
    }

    /// <summary>What a failure means to a user, without anything the client library quotes from the configuration.</summary>
    public string Describe(Exception ex) => ex switch
    {
        _ when IsTlsFailure(ex) =>
            "the TLS handshake failed: the server's certificate is not trusted here, or the server does not speak TLS",
        // What the client sent tells the two apart even when the server's answer did not reach the exception.
        _ when IsAuthenticationFailure(ex) => string.IsNullOrEmpty(_password)
            ? "authentication failed: the server requires a password and none was given (NOAUTH); give it with -Credential or password= in the connection string"
            : "authentication failed: the server refused the " + (string.IsNullOrEmpty(_user) ? "password" : "user name or password") + " (WRONGPASS)",
        RedisConnectionException connection => connection.FailureType switch
        {
            ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection =>
                "no connection to the server could be made",
            _ => "the connection to the server failed (" + connection.FailureType + ")",
        },
        RedisCircuitOpenException open => open.Message,
        RedisTimeoutException => "the server did not answer in time" + (_breaker.DescribeOpen() is string until ? ", so every cache on this connection fails at once and the server is " + until : string.Empty),
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
