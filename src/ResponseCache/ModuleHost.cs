using System.IO;

namespace ResponseCache;

/// <summary>Where the module runs, read once: which PowerShell, and the folder its assemblies ship in.</summary>
internal static class ModuleHost
{
    /// <summary>True on Windows PowerShell: .NET Framework, whose core library is still called mscorlib.</summary>
    public static bool IsWindowsPowerShell { get; } = typeof(object).Assembly.GetName().Name == "mscorlib";

    public static string Directory { get; } = Path.GetDirectoryName(typeof(ModuleHost).Assembly.Location) ?? string.Empty;
}
