using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>The first bytes of one file, read again on every call, without taking or waiting for its OS lock.</summary>
internal interface IUnlockedReader : IDisposable
{
    /// <summary>
    /// Reads the file's first bytes into <paramref name="buffer"/>; returns how many (0 for a missing file). Throws
    /// <see cref="IOException"/> when the OS refuses while a writer holds it.
    /// </summary>
    int Read(byte[] buffer);

    /// <summary>The next read opens the file its path names then (a reader may keep the file it opened before).</summary>
    void Reopen();
}
