using ResponseCache.Core;

namespace ResponseCache.Tests.Infrastructure;

/// <summary>Keeps the warnings the engine reported, as the cmdlets' warning stream would show them; no test reads its verbose messages.</summary>
internal sealed class RecordingLog : ICacheLog
{
    private readonly List<string> _warnings = new();

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

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
        lock (_warnings)
        {
            _warnings.Add(message);
        }
    }
}
