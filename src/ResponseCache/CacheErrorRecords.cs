using System;
using System.IO;
using System.Management.Automation;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache;

/// <summary>Turns what the engine and the serializer throw into ErrorRecords with a stable id and the right category.</summary>
internal static class CacheErrorRecords
{
    /// <summary>
    /// The record of a failure the module knows how to report (a cache that is busy, unreachable or unwritable, a
    /// response that has no JSON form); false for anything else, which is a bug and should surface as one.
    /// </summary>
    public static bool TryCreate(Exception exception, object? target, out ErrorRecord record)
    {
        if (Classify(exception) is not (string id, ErrorCategory category))
        {
            record = null!;
            return false;
        }

        record = new ErrorRecord(exception, id, category, target);
        return true;
    }

    public static bool IsExpected(Exception exception) => Classify(exception) is not null;

    /// <summary>A get-or-add inside the scriptblock of the same key's get-or-add: it would wait for itself forever.</summary>
    public static ErrorRecord ReentrantGetOrAdd(ReentrantGetOrAddException exception, object? target) =>
        new ErrorRecord(exception, ErrorIds.ReentrantGetOrAdd, ErrorCategory.InvalidOperation, target);

    /// <summary>An object where key text belongs: its text would be its type name, one key for every object of the type.</summary>
    public static ErrorRecord KeyNotText(NotKeyText refused, string parameterName) =>
        new ErrorRecord(
            new ArgumentException(
                $"-{parameterName} takes text, and this is a {refused}, whose text would be the same for every one of its kind, so all of them would share one entry. " +
                "Give the key as text built from the parts that make the answer differ (for example \"$($request.model)|$($request.prompt)\"), or give them as -Model, -Prompt and -InputText."),
            ErrorIds.KeyNotText,
            ErrorCategory.InvalidArgument,
            refused.Value);

    private static (string Id, ErrorCategory Category)? Classify(Exception exception) => exception switch
    {
        InvalidTextException => (ErrorIds.InvalidUnicodeText, ErrorCategory.InvalidArgument),
        AmbiguousKeyHashException => (ErrorIds.AmbiguousKeyHash, ErrorCategory.InvalidArgument),
        CacheDirectoryNotPrivateException => (ErrorIds.CacheDirectoryNotPrivate, ErrorCategory.SecurityError),
        CacheUnavailableException { AuthenticationFailed: true } => (ErrorIds.CacheAuthenticationFailed, ErrorCategory.AuthenticationError),
        CacheUnavailableException => (ErrorIds.CacheUnavailable, ErrorCategory.ResourceUnavailable),
        CacheLockTimeoutException => (ErrorIds.CacheFileLocked, ErrorCategory.ResourceBusy),
        CacheStorageException { IsAccessDenied: true } => (ErrorIds.CacheAccessDenied, ErrorCategory.PermissionDenied),
        UnauthorizedAccessException => (ErrorIds.CacheAccessDenied, ErrorCategory.PermissionDenied),
        IOException => (ErrorIds.CacheWriteFailed, ErrorCategory.WriteError),
        CacheHomeNotFoundException => (ErrorIds.CacheHomeNotFound, ErrorCategory.ObjectNotFound),
        ResponseTooDeepException => (ErrorIds.ResponseTooDeep, ErrorCategory.LimitsExceeded),
        ResponseCycleException => (ErrorIds.ResponseHasCycle, ErrorCategory.InvalidData),
        ResponseNotSerializableException => (ErrorIds.ResponseNotSerializable, ErrorCategory.InvalidData),
        _ => null,
    };
}
