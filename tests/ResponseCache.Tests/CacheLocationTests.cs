using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;
using Xunit;

namespace ResponseCache.Tests;

/// <summary>Which engine, and which directory, a cache path means: one engine per real directory, whatever the spelling.</summary>
public sealed class CacheLocationTests : CacheTestBase
{
#if NET // Directory.CreateSymbolicLink is .NET 6+; .NET Framework runs the module on Windows only, where engines are keyed by the full path.
    [UnixFact]
    public void A_directory_reached_through_a_symbolic_link_shares_the_engine_of_its_real_path()
    {
        Directory.CreateDirectory(CacheDirectory);
        string link = Path.Combine(OutsideDirectory, "link-to-cache");
        Directory.CreateSymbolicLink(link, CacheDirectory);

        DirectoryCache direct = OpenCaches.OpenDirectory(CacheDirectory);

        Assert.Same(direct, OpenCaches.OpenDirectory(link));
        Assert.Same(direct, OpenCaches.FindDirectory(Path.Combine(link, ".")));
    }

    [UnixFact]
    public void A_cache_directory_not_created_yet_under_a_linked_parent_is_known_by_its_real_path()
    {
        string linkedParent = Path.Combine(OutsideDirectory, "linked-parent");
        Directory.CreateSymbolicLink(linkedParent, OutsideDirectory);

        DirectoryCache throughLink = OpenCaches.OpenDirectory(Path.Combine(linkedParent, "cache"));

        Assert.Same(OpenCaches.OpenDirectory(CacheDirectory), throughLink);
    }
#endif

    [Fact]
    public void A_relative_RESPONSECACHE_PATH_is_resolved_against_the_start_directory_not_the_current_one()
    {
        string resolved = CacheLocation.ResolveDefault(
            name => name == CacheLocation.PathVariable ? Path.Combine("relative", "cache") : null,
            isWindows: false,
            localApplicationData: null,
            startDirectory: OutsideDirectory);

        Assert.Equal(Path.Combine(OutsideDirectory, "relative", "cache"), resolved);
    }

    [Fact]
    public void A_RESPONSECACHE_PATH_under_the_home_directory_is_expanded()
    {
        string resolved = CacheLocation.ResolveDefault(
            name => name switch { CacheLocation.PathVariable => "~/ai-cache", "HOME" => OutsideDirectory, _ => null },
            isWindows: false,
            localApplicationData: null,
            startDirectory: CacheDirectory);

        Assert.Equal(Path.Combine(OutsideDirectory, "ai-cache"), resolved);
    }
}
