using System;
using System.IO;
using System.Reflection;

namespace ResponseCache;

/// <summary>
/// On Windows PowerShell (.NET Framework) a module cannot carry binding redirects, so System.Text.Json's
/// netstandard2.0 dependencies (System.Memory, System.Buffers, ...) are asked for at versions other than the ones
/// shipped beside this assembly. This resolves any request for an assembly that ships in the module folder to
/// that file. PowerShell 7 needs none of it: its own, newer System.Text.Json and friends satisfy every reference.
/// </summary>
internal static class WindowsPowerShellDependencies
{
    public static void Register() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    public static void Unregister() => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        string? name = new AssemblyName(args.Name).Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        string shipped = Path.Combine(ModuleHost.Directory, name + ".dll");
        return File.Exists(shipped) ? Assembly.LoadFrom(shipped) : null;
    }
}
