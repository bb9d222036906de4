using System;
using System.IO;
using System.Management.Automation;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache;

/// <summary>Turns what the engine and the serializer throw into ErrorRecords with a stable id and the right category.</summary>
internal static class CacheErrorRecords
{
    public static ErrorRecord From(Exception exception, object? target) => exception switch
    {
        CacheUnavailableException => new ErrorRecord(exception, ErrorIds.CacheUnavailable, ErrorCategory.ResourceUnavailable, target),
        CacheLockTimeoutException => new ErrorRecord(exception, ErrorIds.CacheFileLocked, ErrorCategory.ResourceBusy, target),
        CacheStorageException { IsAccessDenied: true } => new ErrorRecord(exception, ErrorIds.CacheAccessDenied, ErrorCategory.PermissionDenied, target),
        UnauthorizedAccessException => new ErrorRecord(exception, ErrorIds.CacheAccessDenied, ErrorCategory.PermissionDenied, target),
        IOException => new ErrorRecord(exception, ErrorIds.CacheWriteFailed, ErrorCategory.WriteError, target),
        CacheHomeNotFoundException => new ErrorRecord(exception, ErrorIds.CacheHomeNotFound, ErrorCategory.ObjectNotFound, target),
        ResponseTooDeepException => new ErrorRecord(exception, ErrorIds.ResponseTooDeep, ErrorCategory.LimitsExceeded, target),
        ResponseCycleException => new ErrorRecord(exception, ErrorIds.ResponseHasCycle, ErrorCategory.InvalidData, target),
        ResponseNotSerializableException => new ErrorRecord(exception, ErrorIds.ResponseNotSerializable, ErrorCategory.InvalidData, target),
        _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
    };

    /// <summary>True for the failures the module knows how to report; anything else is a bug and should surface as one.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is CacheLockTimeoutException
        || exception is IOException
        || exception is UnauthorizedAccessException
        || exception is CacheHomeNotFoundException
        || exception is ResponseSerializationException;
}
