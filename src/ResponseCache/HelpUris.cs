namespace ResponseCache;

/// <summary>Where Get-Help -Online sends a user: the project's documentation of the cmdlets.</summary>
internal static class HelpUris
{
    public const string Cmdlets = "https://github.com/responsecache/ResponseCache/blob/main/README.md#using-it";
}
