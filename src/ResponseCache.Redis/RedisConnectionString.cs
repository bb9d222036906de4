using System;
using System.Globalization;
using System.Linq;
using StackExchange.Redis;

namespace ResponseCache.Redis;

/// <summary>
/// Turns what a user gives (a StackExchange.Redis configuration string, or a redis:// or rediss:// URI) into client
/// options with short timeouts, and into a location to show, which never holds the password.
/// </summary>
internal static class RedisConnectionString
{
    /// <exception cref="ArgumentException">The text is not a connection string; the message never holds the password.</exception>
    public static ConfigurationOptions Parse(string connectionString, string? user, string? password, TimeSpan timeout, TimeSpan changeTimeout)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("A Redis connection string must be given.");
        }

        string text = connectionString.Trim();
        ConfigurationOptions options = IsUri(text) ? FromUri(text) : FromConfigurationString(text);
        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("The Redis connection string names no server (host:port).");
        }

        // The client takes any text before a colon as a host name ("notaredis:::" became a server to dial). The name is
        // not repeated: a password typed where a server belongs would be.
        int position = 0;
        foreach (System.Net.EndPoint endpoint in options.EndPoints)
        {
            position++;
            if (endpoint is System.Net.DnsEndPoint dns && Uri.CheckHostName(dns.Host) == UriHostNameType.Unknown)
            {
                throw new ArgumentException($"The Redis connection string is not valid: server {position} of {options.EndPoints.Count} is not a host name or address (host:port).");
            }
        }

        options.SetDefaultPorts();

        if (!string.IsNullOrEmpty(user))
        {
            options.User = user;
        }

        if (password is not null)
        {
            options.Password = password;
        }

        // A cache must never hold a job up: connect in the background, fail fast while disconnected, answer a lookup or
        // time out within the timeout. Changes and listings are sent asynchronously, under the longer async timeout.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        int milliseconds = (int)timeout.TotalMilliseconds;
        if (!Mentions(text, "connectTimeout"))
        {
            options.ConnectTimeout = milliseconds;
        }

        // The client tries a first connection connectRetry times (3 by default), a connect timeout each: the first
        // lookup on a server that accepts connections and never answers took three seconds for a promised one.
        if (!Mentions(text, "connectRetry"))
        {
            options.ConnectRetry = 1;
        }

        if (!Mentions(text, "syncTimeout"))
        {
            options.SyncTimeout = milliseconds;
        }

        if (!Mentions(text, "asyncTimeout"))
        {
            options.AsyncTimeout = (int)changeTimeout.TotalMilliseconds;
        }

        return options;
    }

    /// <summary>The servers as a URI-like text, e.g. <c>rediss://cache01:6380/2</c>: no user, no password.</summary>
    public static string Describe(ConfigurationOptions options)
    {
        string servers = string.Join(",", options.EndPoints.Select(endpoint => Format(endpoint)));
        string database = options.DefaultDatabase is int db && db != 0 ? "/" + db.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return (options.Ssl ? "rediss://" : "redis://") + servers + database;
    }

    /// <summary>Removes the password from text that may quote the configuration, such as a client library's message.</summary>
    public static string Redact(string text, string? password) =>
        string.IsNullOrEmpty(password) ? text : text.Replace(password, "***");

    private static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(CultureInfo.InvariantCulture),
        System.Net.IPEndPoint ip when ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => "[" + ip.Address + "]:" + ip.Port.ToString(CultureInfo.InvariantCulture),
        _ => endpoint.ToString() ?? string.Empty,
    };

    // The client's messages end in "(Parameter 'port')" (or ".NET Framework's "Parameter name: port" line), which
    // says nothing to a PowerShell user and, wrapped, came out twice.
    private static string WithoutParameterName(ArgumentException ex)
    {
        string message = ex.Message;
        if (ex.ParamName is string name)
        {
            foreach (string suffix in new[] { $" (Parameter '{name}')", Environment.NewLine + "Parameter name: " + name })
            {
                int at = message.IndexOf(suffix, StringComparison.Ordinal);
                if (at >= 0)
                {
                    message = message.Remove(at, suffix.Length);
                }
            }
        }

        return message.Replace(Environment.NewLine, " ").Trim();
    }

    private static bool IsUri(string text) =>
        text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);

    private static bool Mentions(string text, string keyword) =>
        !IsUri(text) && text.Split(',').Any(part => part.Trim().StartsWith(keyword + "=", StringComparison.OrdinalIgnoreCase));

    private static ConfigurationOptions FromConfigurationString(string text)
    {
        RefuseTextAfterThePassword(text);
        try
        {
            return ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException ex)
        {
            // The client's message names the keyword at fault; the password is removed in case it quotes a value.
            string? password = text.Split(',')
                .Select(part => part.Trim())
                .Where(part => part.StartsWith("password=", StringComparison.OrdinalIgnoreCase))
                .Select(part => part.Substring("password=".Length))
                .FirstOrDefault();
            // A port beyond 65535 comes back as the runtime's bare "Specified argument was out of the range of valid values".
            string reason = ex is ArgumentOutOfRangeException ? "a port or another number in it is out of range (a port is 1 to 65535)." : Redact(WithoutParameterName(ex), password);
            throw new ArgumentException("The Redis connection string is not valid: " + reason);
        }
    }

    /// <summary>
    /// StackExchange.Redis cuts the string at every comma, with no quoting or escaping (ConfigurationOptions.DoParse),
    /// so a password cannot hold a comma there: its tail would be read as a server, shown in the location and every
    /// message, or as an option the client's error quotes. What follows the password must therefore be options the
    /// client reads as such; anything else is refused without repeating any of it.
    /// </summary>
    private static void RefuseTextAfterThePassword(string text)
    {
        string[] parts = text.Split(',');
        int password = Array.FindIndex(parts, part => part.Trim().StartsWith("password=", StringComparison.OrdinalIgnoreCase));
        if (password >= 0 && !parts.Skip(password + 1).Where(part => !string.IsNullOrWhiteSpace(part)).All(IsOption))
        {
            throw new ArgumentException(
                "The Redis connection string has text after password= that is not an option: StackExchange.Redis ends a password at the first comma " +
                "(a comma cannot be quoted or escaped there), so the rest would be taken for a server name or an option. " +
                "Give a password that holds a comma with -Credential, or percent-encoded (%2C) in a redis:// URI; " +
                "otherwise name the servers before the options, and check the spelling of the options after password=.");
        }
    }

    private static bool IsOption(string part)
    {
        if (part.Trim().IndexOf('=') <= 0)
        {
            return false;
        }

        try
        {
            ConfigurationOptions.Parse(part);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static ConfigurationOptions FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("The Redis URI is not valid: expected redis://[user[:password]@]host[:port][/database] or rediss://...");
        }

        var options = new ConfigurationOptions
        {
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
        };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (options.Ssl)
        {
            options.SslHost = uri.Host;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] parts = uri.UserInfo.Split(new[] { ':' }, 2);
            string name = Uri.UnescapeDataString(parts[0]);
            if (name.Length > 0)
            {
                options.User = name;
            }

            if (parts.Length == 2)
            {
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        string path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out int database))
            {
                throw new ArgumentException($"The Redis URI's path must be a database number, not '{path}'.");
            }

            options.DefaultDatabase = database;
        }

        return options;
    }
}
