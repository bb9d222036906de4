#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// One run of a server program that cannot outlive the process that started it. On Unix the server runs under a
/// small sh watchdog whose standard input is a pipe from this process: when this process ends in any way (exit,
/// crash, kill -9), the kernel closes the pipe, the watchdog's cat sees end of file and the watchdog kills the server.
/// Stop closes the pipe the same way. On Windows the server is started directly and stopped by Kill; only a clean
/// exit of the test process (ProcessExit) stops it there. On Unix the watchdog writes the server's own process id
/// to the log's name plus ".pid", so a test can freeze the server (SIGSTOP) as a hung host would.
/// </summary>
internal sealed class ServerProcess
{
    // $1: the log file; the rest: the server's command line. The server's own standard input is /dev/null; the
    // watchdog's errors (sh's "Killed" when it ends the server) go nowhere, the server's to the log.
    private const string Watchdog = """
        exec 2>/dev/null
        log=$1; shift
        exec 3<&0 </dev/null
        "$@" >"$log" 2>&1 &
        server=$!
        echo "$server" >"$log.pid"
        (cat <&3 >/dev/null; kill -9 "$server" 2>/dev/null) &
        exec 3<&-
        wait "$server"
        """;

    private readonly Process _process;
    private readonly string _logFile;

    private ServerProcess(Process process, string logFile)
    {
        _process = process;
        _logFile = logFile;
    }

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(string fileName, IReadOnlyList<string> arguments, string logFile)
    {
        var unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var start = new ProcessStartInfo(unix ? "/bin/sh" : fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = unix,
            RedirectStandardOutput = !unix,
            RedirectStandardError = !unix,
        };
        if (unix)
        {
            foreach (var argument in new[] { "-c", Watchdog, "sh", logFile, fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        if (!unix)
        {
            var log = TextWriter.Synchronized(new StreamWriter(logFile) { AutoFlush = true });
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return new ServerProcess(process, logFile);
    }

    /// <summary>
    /// Stops (true) or continues (false) the server's process with SIGSTOP or SIGCONT: frozen, it keeps its port and
    /// its connections open and answers nothing, as a hung host does. Unix only.
    /// </summary>
    public void Freeze(bool frozen)
    {
        if (!_process.StartInfo.RedirectStandardInput)
        {
            throw new PlatformNotSupportedException("Freezing a server needs Unix signals.");
        }
        var pidFile = _logFile + ".pid";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The watchdog wrote no {pidFile}.");
            }
            System.Threading.Thread.Sleep(20);
        }
        var pid = File.ReadAllText(pidFile).Trim();
        var kill = new ProcessStartInfo("kill") { UseShellExecute = false };
        kill.ArgumentList.Add(frozen ? "-STOP" : "-CONT");
        kill.ArgumentList.Add(pid);
        using var signal = Process.Start(kill) ?? throw new InvalidOperationException("Could not run kill.");
        signal.WaitForExit();
        if (signal.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {kill.ArgumentList[0]} {pid} failed with exit code {signal.ExitCode}.");
        }
        if (frozen)
        {
            WaitUntilStopped(pid);
        }
    }

    // kill(2) returns once the signal is pending, not once every thread of the server has stopped: a test that sends its
    // next command at once must not find a thread still answering.
    private static void WaitUntilStopped(string pid)
    {
        string statusFile = "/proc/" + pid + "/status";
        if (!File.Exists(statusFile))
        {
            return;
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!AllThreadsStopped(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Process {pid} did not stop within 10 s of SIGSTOP.");
            }
            System.Threading.Thread.Sleep(10);
        }
    }

    private static bool AllThreadsStopped(string pid)
    {
        foreach (var thread in Directory.EnumerateDirectories("/proc/" + pid + "/task"))
        {
            string? state = null;
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(thread, "status")))
                {
                    if (line.StartsWith("State:", StringComparison.Ordinal))
                    {
                        state = line.Substring("State:".Length).Trim();
                        break;
                    }
                }
            }
            catch (IOException)
            {
                continue; // The thread ended.
            }
            if (state is null || !state.StartsWith("T", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Kills the server and waits until it is gone, so its port is free again.</summary>
    public void Stop()
    {
        if (_process.StartInfo.RedirectStandardInput && !_process.HasExited)
        {
            try
            {
                // A frozen server cannot die of SIGKILL any later than now, but continue it so nothing is left stopped.
                Freeze(false);
            }
            catch (InvalidOperationException)
            {
            }
        }
        if (_process.StartInfo.RedirectStandardInput)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The watchdog has already ended (the server exited on its own): nothing left to stop.
            }
        }
        else if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
