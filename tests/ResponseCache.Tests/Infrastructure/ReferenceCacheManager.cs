using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>
/// Drives the Python reference (tests/reference/cache_manager.py, copied beside the test assembly) in a python3
/// process: a list of operations in, their results out, as JSON on stdin and stdout.
/// </summary>
internal static class ReferenceCacheManager
{
    private const string Driver = """
        import hashlib, json, sys, time
        from cache_manager import CacheManager
        command = json.loads(sys.stdin.readline())
        manager = CacheManager(command['dir'], max_entries=command['max_entries'], ttl_days=command['ttl_days'], quiet=True)
        sys.stdout.write('loaded' + chr(10)); sys.stdout.flush()
        for line in sys.stdin:
          results = []
          for op in json.loads(line):
              kind = op[0]
              if kind == 'set':
                  manager.set(op[1], op[2]); results.append(None)
              elif kind == 'get':
                  results.append(manager.get(op[1]))
              elif kind == 'flush':
                  manager.flush(); results.append(None)
              elif kind == 'clear':
                  manager.clear(); results.append(None)
              elif kind == 'stats':
                  results.append(manager.get_stats())
              elif kind == 'strict_load':
                  with open(manager.cache_file, 'r', encoding='utf-8') as f:
                      results.append(json.load(f))
              elif kind == 'parse_timestamp':
                  results.append(time.mktime(time.strptime(op[1], '%Y-%m-%d %H:%M:%S')))
              elif kind == 'len':
                  results.append(len(op[1]))
              elif kind == 'dumps':
                  results.append(json.dumps(op[1], ensure_ascii=False))
              elif kind == 'sorted_dumps':
                  text = json.dumps(op[1], sort_keys=True, separators=(',', ':'), ensure_ascii=False)
                  results.append([text, hashlib.sha256(text.encode('utf-8')).hexdigest()])
          sys.stdout.write(json.dumps(results, ensure_ascii=True) + chr(10)); sys.stdout.flush()
        """;

    private static readonly Lazy<string?> s_missingReason = new(FindMissingReason);

    /// <summary>Why the reference cannot run here, or null when it can.</summary>
    public static string? MissingReason => s_missingReason.Value;

    private static string ScriptDirectory => Path.Combine(AppContext.BaseDirectory, "reference");

    /// <summary>Runs the operations (each an array like ["set", key, response]) against the directory; returns one result per operation.</summary>
    public static JsonArray Run(string cacheDirectory, int maxEntries, double ttlDays, params object?[][] ops)
    {
        (int exitCode, string stdout, string stderr) = Python(Driver, Header(cacheDirectory, maxEntries, ttlDays) + "\n" + OpsLine(ops) + "\n");
        Assert.True(exitCode == 0, $"The Python reference failed (exit code {exitCode}):\n{stderr}");
        string[] lines = stdout.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
        return JsonNode.Parse(lines[1])!.AsArray();
    }

    /// <summary>
    /// With room for every entry and a TTL the reference never reaches: the tests' fake clock is not the machine's,
    /// so the reference's real clock would otherwise find the engine's entries expired.
    /// </summary>
    public static JsonArray Run(string cacheDirectory, params object?[][] ops) => Run(cacheDirectory, 100_000, 100_000, ops);

    /// <summary>
    /// A CacheManager that stays alive, as in a web server or a notebook: it loads the file once, now, and every later
    /// <see cref="LongLivedReference.Run"/> works on that view.
    /// </summary>
    public static LongLivedReference Start(string cacheDirectory, int maxEntries, double ttlDays)
    {
        Process process = Process.Start(StartInfo(Driver))!;
        var reference = new LongLivedReference(process);
        reference.Send(Header(cacheDirectory, maxEntries, ttlDays));
        reference.ExpectLine("loaded");
        return reference;
    }

    private static string Header(string cacheDirectory, int maxEntries, double ttlDays) => new JsonObject
    {
        ["dir"] = cacheDirectory,
        ["max_entries"] = maxEntries,
        ["ttl_days"] = ttlDays,
    }.ToJsonString();

    internal static string OpsLine(object?[][] ops) => JsonSerializer.Serialize(ops);

    /// <summary>Runs the program with <c>python3 -c</c> in the reference's folder, so <c>import cache_manager</c> finds it.</summary>
    private static (int ExitCode, string Stdout, string Stderr) Python(string program, string stdin)
    {
        using Process process = Process.Start(StartInfo(program))!;
        byte[] input = new UTF8Encoding(false).GetBytes(stdin);
        process.StandardInput.BaseStream.Write(input, 0, input.Length);
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    private static ProcessStartInfo StartInfo(string program)
    {
        // .NET splits Arguments by the Windows rules and Mono by the shell's; a double-quoted text free of these
        // characters reads the same to both.
        if (program.IndexOfAny(new[] { '"', '\\', '$', '`' }) >= 0)
        {
            throw new ArgumentException("The Python program must not contain a double quote, backslash, dollar or backtick.", nameof(program));
        }

        var start = new ProcessStartInfo("python3", "-c \"" + program + "\"")
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return start;
    }

    private static string? FindMissingReason()
    {
        if (!File.Exists(Path.Combine(ScriptDirectory, "cache_manager.py")))
        {
            return $"The Python reference was not copied to '{ScriptDirectory}'.";
        }

        try
        {
            (int exitCode, _, _) = Python("import sys; sys.exit(0 if sys.version_info >= (3, 6) else 1)", string.Empty);
            return exitCode == 0 ? null : "python3 is older than 3.6, which the reference needs.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 is not on PATH, so the round trip with the Python reference cannot run.";
        }
    }
}

/// <summary>One reference process that keeps its CacheManager between batches of operations; ended on dispose.</summary>
internal sealed class LongLivedReference : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    public LongLivedReference(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Runs the operations on the object's own view of the cache; one result per operation.</summary>
    public JsonArray Run(params object?[][] ops)
    {
        Send(ReferenceCacheManager.OpsLine(ops));
        return JsonNode.Parse(ReadLine())!.AsArray();
    }

    internal void Send(string line)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(line + "\n");
        _process.StandardInput.BaseStream.Write(bytes, 0, bytes.Length);
        _process.StandardInput.BaseStream.Flush();
    }

    internal void ExpectLine(string expected) => Assert.Equal(expected, ReadLine());

    private string ReadLine()
    {
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            _process.WaitForExit();
            Assert.Fail($"The Python reference ended (exit code {_process.ExitCode}):\n{_stderr.GetAwaiter().GetResult()}");
        }

        return line!;
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(30_000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

/// <summary>A fact that needs python3; skipped, saying why, only where python3 is missing.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (ReferenceCacheManager.MissingReason is string reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs python3; skipped, saying why, only where python3 is missing.</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute()
    {
        if (ReferenceCacheManager.MissingReason is string reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact about Unix file modes and symlinks; skipped on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
        {
            Skip = "Unix file modes and symlink handling apply to Unix only.";
        }
    }
}

/// <summary>A theory about Unix files (FIFOs, modes); skipped on Windows.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
        {
            Skip = "FIFOs and Unix file modes apply to Unix only.";
        }
    }
}

/// <summary>A fact about Linux only (statx, /proc); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
        {
            Skip = "Inodes from statx and /proc apply to Linux only.";
        }
    }
}
