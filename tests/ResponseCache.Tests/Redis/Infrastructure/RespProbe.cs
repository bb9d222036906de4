#nullable enable
using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// Just enough of the Redis protocol to tell whether a server answers and to set it up: one connection, one command at
/// a time, replies as text. The infrastructure needs no client library, so it cannot mask a client's bugs.
/// </summary>
public sealed class RespProbe : IDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;

    private RespProbe(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = stream;
    }

    /// <summary>Connects (and authenticates when a password is given); throws when the server does not answer.</summary>
    public static RespProbe Connect(int port, bool tls, string? password, TimeSpan timeout)
    {
        var client = new TcpClient();
        try
        {
            if (!client.ConnectAsync("127.0.0.1", port).Wait(timeout))
            {
                throw new TimeoutException($"127.0.0.1:{port} did not accept a connection within {timeout.TotalSeconds:0.#} s.");
            }
            client.ReceiveTimeout = client.SendTimeout = (int)timeout.TotalMilliseconds;
            Stream stream = client.GetStream();
            if (tls)
            {
                // The tests' own server with a throwaway certificate: the probe asks only whether it answers.
                var ssl = new SslStream(stream, false, (_, _, _, _) => true);
                ssl.AuthenticateAsClient("127.0.0.1");
                stream = ssl;
            }
            var probe = new RespProbe(client, new BufferedStream(stream));
            if (password is not null)
            {
                probe.Expect("OK", "AUTH", password);
            }
            return probe;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>True when a server on the port answers PING within the timeout.</summary>
    public static bool Answers(int port, bool tls, string? password, TimeSpan timeout)
    {
        try
        {
            using var probe = Connect(port, tls, password, timeout);
            return probe.Send("PING") == "PONG";
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or AggregateException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends a command; returns its reply as text (a bulk string, simple string or integer); throws on an error reply.</summary>
    public string? Send(params string[] command)
    {
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(request.ToString());
        _stream.Write(bytes, 0, bytes.Length);
        _stream.Flush();
        return ReadReply();
    }

    public void Expect(string reply, params string[] command)
    {
        var actual = Send(command);
        if (actual != reply)
        {
            throw new InvalidOperationException($"{command[0]} answered '{actual}', expected '{reply}'.");
        }
    }

    private string? ReadReply()
    {
        var line = ReadLine();
        var payload = line.Substring(1);
        switch (line[0])
        {
            case '+':
            case ':':
                return payload;
            case '-':
                throw new InvalidOperationException("The server answered an error: " + payload);
            case '$':
                var length = int.Parse(payload);
                if (length < 0)
                {
                    return null;
                }
                var buffer = new byte[length + 2];
                for (var read = 0; read < buffer.Length;)
                {
                    var n = _stream.Read(buffer, read, buffer.Length - read);
                    if (n == 0)
                    {
                        throw new IOException("The server closed the connection.");
                    }
                    read += n;
                }
                return Encoding.UTF8.GetString(buffer, 0, length);
            default:
                throw new InvalidOperationException("Unexpected reply: " + line);
        }
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var b = _stream.ReadByte();
            if (b < 0)
            {
                throw new IOException("The server closed the connection.");
            }
            if (b == '\n' && line.Length > 0 && line[line.Length - 1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }
            line.Append((char)b);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
