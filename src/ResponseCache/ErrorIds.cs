namespace ResponseCache;

/// <summary>The stable first half of every FullyQualifiedErrorId the module writes; scripts may match on them.</summary>
internal static class ErrorIds
{
    public const string CacheFileLocked = nameof(CacheFileLocked);
    public const string CacheAccessDenied = nameof(CacheAccessDenied);
    public const string CacheWriteFailed = nameof(CacheWriteFailed);
    public const string CacheHomeNotFound = nameof(CacheHomeNotFound);
    public const string CachePathIsFile = nameof(CachePathIsFile);
    public const string CachePathNotFileSystem = nameof(CachePathNotFileSystem);
    public const string CachePathInvalid = nameof(CachePathInvalid);
    public const string ResponseNotSerializable = nameof(ResponseNotSerializable);
    public const string ResponseTooDeep = nameof(ResponseTooDeep);
    public const string ResponseHasCycle = nameof(ResponseHasCycle);
    public const string InvalidResponseJson = nameof(InvalidResponseJson);
    public const string InvalidKeyHash = nameof(InvalidKeyHash);
    public const string AmbiguousKeyHash = nameof(AmbiguousKeyHash);
    public const string ScriptBlockFailed = nameof(ScriptBlockFailed);
    public const string ReentrantGetOrAdd = nameof(ReentrantGetOrAdd);
    public const string ProducerWaitTimedOut = nameof(ProducerWaitTimedOut);
    public const string PipedResponseMissing = nameof(PipedResponseMissing);
    public const string CacheEntryPathConflict = nameof(CacheEntryPathConflict);
    public const string CacheUnavailable = nameof(CacheUnavailable);
    public const string InvalidConnectionString = nameof(InvalidConnectionString);
    public const string CopyToSameCache = nameof(CopyToSameCache);
    public const string CacheNotFound = nameof(CacheNotFound);
    public const string KeyNotText = nameof(KeyNotText);
    public const string InvalidUnicodeText = nameof(InvalidUnicodeText);
    public const string CacheAuthenticationFailed = nameof(CacheAuthenticationFailed);
    public const string InvalidNamespace = nameof(InvalidNamespace);
    public const string CacheDirectoryNotPrivate = nameof(CacheDirectoryNotPrivate);
    public const string InvalidRequest = nameof(InvalidRequest);
    public const string InvalidPrice = nameof(InvalidPrice);

    public const string ResetSavingsWithExpired = nameof(ResetSavingsWithExpired);
    public const string RequestParameterNotSupported = nameof(RequestParameterNotSupported);
}
