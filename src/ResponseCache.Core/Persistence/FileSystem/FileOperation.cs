using System;
using System.IO;

namespace ResponseCache.Core.Persistence;

/// <summary>Runs a file operation, turning the OS's refusals into a <see cref="CacheStorageException"/> that names the file.</summary>
internal static class FileOperation
{
    public static void Run(string path, string action, Action operation) => Run(path, action, () =>
    {
        operation();
        return true;
    });

    public static T Run<T>(string path, string action, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new CacheStorageException($"Could not {action} '{path}': {ex.Message}", path, ex);
        }
    }
}
