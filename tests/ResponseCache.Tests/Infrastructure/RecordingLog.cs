using ResponseCache.Core;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Keeps what the engine reported, as the cmdlets' warning and verbose streams would show it.</summary>
internal sealed class RecordingLog : ICacheLog
{
    private readonly List<string> _warnings = new();
    private readonly List<string> _verbose = new();

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return _warnings.ToList();
            }
        }
    }

    public IReadOnlyList<string> VerboseMessages
    {
        get
        {
            lock (_verbose)
            {
                return _verbose.ToList();
            }
        }
    }

    public void Verbose(string message)
    {
        lock (_verbose)
        {
            _verbose.Add(message);
        }
    }

    public void Warning(string message)
    {
        lock (_warnings)
        {
            _warnings.Add(message);
        }
    }
}
