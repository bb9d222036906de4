namespace ResponseCache;

/// <summary>Where Get-Help -Online sends a user: each cmdlet's section of the project's documentation.</summary>
internal static class HelpUris
{
    private const string Docs = "https://github.com/responsecache/ResponseCache/blob/main/README.md";

    public const string GetCachedResponse = Docs + "#get-cachedresponse";
    public const string SetCachedResponse = Docs + "#set-cachedresponse";
    public const string RemoveCachedResponse = Docs + "#remove-cachedresponse";
    public const string GetCacheEntry = Docs + "#get-cacheentry";
    public const string GetCacheStats = Docs + "#get-cachestats";
    public const string ClearResponseCache = Docs + "#clear-responsecache";
}
