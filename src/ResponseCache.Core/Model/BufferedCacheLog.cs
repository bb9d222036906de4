using System;
using System.Collections.Generic;

namespace ResponseCache.Core;

/// <summary>
/// Holds messages written on one thread for the thread that asked: cmdlets may only write to their streams from
/// their own pipeline thread, and under group commit another thread may do the asking thread's write.
/// </summary>
internal sealed class BufferedCacheLog : ICacheLog
{
    private readonly List<KeyValuePair<bool, string>> _messages = new List<KeyValuePair<bool, string>>();

    public void Verbose(string message) => _messages.Add(new KeyValuePair<bool, string>(false, message));

    public void Warning(string message) => _messages.Add(new KeyValuePair<bool, string>(true, message));

    public void ReplayInto(ICacheLog log)
    {
        foreach (KeyValuePair<bool, string> message in _messages)
        {
            Action<string> write = message.Key ? log.Warning : log.Verbose;
            write(message.Value);
        }
    }
}
