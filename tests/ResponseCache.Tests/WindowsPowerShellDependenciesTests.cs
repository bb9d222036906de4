using System.Reflection;

namespace ResponseCache.Tests;

/// <summary>
/// Which failed assembly loads the module answers on Windows PowerShell, where it cannot carry binding redirects:
/// the older versions of its own dependencies that its own assemblies ask for, with the shipped file; nothing else.
/// </summary>
public sealed class WindowsPowerShellDependenciesTests
{
    private const string MicrosoftKey = "cc7b13ffcd2ddd51";

    private static readonly string s_moduleDirectory = Path.Combine(Path.GetTempPath(), "Modules", "ResponseCache", "0.1.0");

    private static readonly WindowsPowerShellDependencies s_dependencies = new(new[]
    {
        Name("ResponseCache, Version=0.1.0.0, PublicKeyToken=null"),
        Name("ResponseCache.Core, Version=0.1.0.0, PublicKeyToken=null"),
        Name($"System.Text.Json, Version=8.0.0.5, PublicKeyToken={MicrosoftKey}"),
        Name($"System.Memory, Version=4.0.1.2, PublicKeyToken={MicrosoftKey}"),
        Name($"System.Runtime.CompilerServices.Unsafe, Version=6.0.0.0, PublicKeyToken={MicrosoftKey}"),
    }.ToDictionary(name => ShippedFile(name.Name!), name => name));

    [Theory]
    [InlineData("System.Memory, Version=4.0.1.1", "System.Text.Json, Version=8.0.0.5", "System.Memory")]
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1", "System.Memory, Version=4.0.1.2", "System.Runtime.CompilerServices.Unsafe")]
    [InlineData("System.Text.Json, Version=8.0.0.0", "ResponseCache.Core, Version=0.1.0.0", "System.Text.Json")]
    [InlineData("System.Memory, Version=4.0.1.2", "ResponseCache, Version=0.1.0.0", "System.Memory")]
    [InlineData("SYSTEM.MEMORY, Version=4.0.1.1", "System.Text.Json, Version=8.0.0.5", "System.Memory")]
    public void A_shipped_dependency_asked_for_at_an_older_or_equal_version_by_the_module_is_answered_with_the_shipped_file(
        string requested, string requester, string shipped)
    {
        Assert.Equal(ShippedFile(shipped), s_dependencies.FileFor(Identity(requested), Identity(requester)));
    }

    [Theory]
    [InlineData("System.Memory, Version=4.0.2.0", "System.Text.Json, Version=8.0.0.5")]
    [InlineData("System.Text.Json, Version=9.0.0.0", "ResponseCache.Core, Version=0.1.0.0")]
    public void A_version_newer_than_the_shipped_one_is_declined(string requested, string requester)
    {
        Assert.Null(s_dependencies.FileFor(Identity(requested), Identity(requester)));
    }

    [Theory]
    [InlineData("System.Net.Http, Version=4.2.0.0")]
    [InlineData("Newtonsoft.Json, Version=13.0.0.0")]
    public void An_assembly_the_module_does_not_ship_is_declined(string requested)
    {
        Assert.Null(s_dependencies.FileFor(Identity(requested), Identity("System.Text.Json, Version=8.0.0.5")));
    }

    [Fact]
    public void A_shipped_name_with_another_public_key_is_declined()
    {
        Assert.Null(s_dependencies.FileFor(Name("System.Memory, Version=4.0.1.1, PublicKeyToken=0123456789abcdef"), Identity("System.Text.Json, Version=8.0.0.5")));
        Assert.Null(s_dependencies.FileFor(Name("System.Memory, Version=4.0.1.1, PublicKeyToken=null"), Identity("System.Text.Json, Version=8.0.0.5")));
    }

    [Theory]
    [InlineData("OtherModule, Version=1.0.0.0, PublicKeyToken=null")]
    [InlineData("System.Text.Json, Version=6.0.0.0, PublicKeyToken=" + MicrosoftKey)]
    [InlineData("ResponseCache, Version=0.2.0.0, PublicKeyToken=null")]
    public void A_request_from_an_assembly_the_module_does_not_ship_is_declined(string requester)
    {
        Assert.Null(s_dependencies.FileFor(Identity("System.Memory, Version=4.0.1.1"), Name(requester)));
    }

    [Fact]
    public void An_unknown_requester_leaves_the_decision_to_the_request_alone()
    {
        Assert.Equal(ShippedFile("System.Memory"), s_dependencies.FileFor(Identity("System.Memory, Version=4.0.1.1"), requester: null));
        Assert.Null(s_dependencies.FileFor(Identity("System.Memory, Version=4.0.2.0"), requester: null));
        Assert.Null(s_dependencies.FileFor(Identity("System.Net.Http, Version=4.2.0.0"), requester: null));
    }

    [Fact]
    public void A_request_that_names_no_version_or_key_is_answered_by_name()
    {
        Assert.Equal(ShippedFile("System.Memory"), s_dependencies.FileFor(Name("System.Memory"), Identity("System.Text.Json, Version=8.0.0.5")));
    }

    private static string ShippedFile(string name) => Path.Combine(s_moduleDirectory, name + ".dll");

    private static AssemblyName Name(string fullName) => new(fullName + (fullName.Contains("Version=") ? ", Culture=neutral" : string.Empty));

    /// <summary>As the runtime names a loaded assembly: the module's own unsigned, the rest with Microsoft's key.</summary>
    private static AssemblyName Identity(string nameAndVersion) =>
        Name(nameAndVersion + (nameAndVersion.StartsWith("ResponseCache", StringComparison.Ordinal) ? ", PublicKeyToken=null" : ", PublicKeyToken=" + MicrosoftKey));
}
