#nullable enable
using System;
using System.Diagnostics;
using System.IO;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>A throwaway CA and a server certificate for 127.0.0.1 and localhost, made by openssl in a directory.</summary>
internal static class TestCertificateAuthority
{
    public static (string CaCertificate, string Certificate, string Key) Create(string directory)
    {
        string In(string name) => Path.Combine(directory, name);
        var extensions = In("server.ext");
        File.WriteAllText(extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ResponseCache test CA",
            "-keyout", In("ca.key"), "-out", In("ca.crt"));
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", In("server.key"), "-out", In("server.csr"));
        OpenSsl("x509", "-req", "-in", In("server.csr"), "-CA", In("ca.crt"), "-CAkey", In("ca.key"),
            "-CAcreateserial", "-days", "2", "-extfile", extensions, "-out", In("server.crt"));
        return (In("ca.crt"), In("server.crt"), In("server.key"));
    }

    private static void OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start openssl.");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments[0]} failed ({process.ExitCode}): {errors.Result}");
        }
    }
}
