using System;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// A FIFO, socket or terminal where the cache keeps a file: anyone who may create files in the directory can plant one,
/// and reading it could wait forever. Access denied, as for a symbolic link there: the file must be removed.
/// </summary>
internal sealed class NotARegularFileException : UnauthorizedAccessException
{
    public NotARegularFileException(string path)
        : base($"'{path}' is not a regular file (a FIFO, socket or terminal); the cache reads and writes only regular files. Remove it.")
    {
    }
}
