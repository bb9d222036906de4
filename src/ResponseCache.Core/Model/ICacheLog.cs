namespace ResponseCache.Core;

/// <summary>Where the engine reports what it did; cmdlets route it to the verbose and warning streams.</summary>
public interface ICacheLog
{
    void Verbose(string message);

    void Warning(string message);
}

/// <summary>Discards every message.</summary>
public sealed class NullCacheLog : ICacheLog
{
    public static NullCacheLog Instance { get; } = new NullCacheLog();

    private NullCacheLog()
    {
    }

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
