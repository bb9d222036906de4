using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ResponseCache;

/// <summary>
/// On Windows PowerShell (.NET Framework) a module cannot carry binding redirects, so System.Text.Json's
/// netstandard2.0 dependencies (System.Memory, System.Buffers, ...) are asked for at versions older than the ones
/// shipped beside this assembly. Like PSResourceGet's ModuleInitAndCleanup, this answers such a request with the
/// shipped file, and only that: the assembly must be one the module ships, at a version no newer than the shipped one
/// and with its public key, and the requester must be the module or one of those shipped assemblies. Everything else
/// is left to the runtime and to other handlers. PowerShell 7 needs none of it: its own, newer System.Text.Json and
/// friends satisfy every reference.
/// </summary>
internal sealed class WindowsPowerShellDependencies
{
    private static WindowsPowerShellDependencies? s_registered;

    private readonly Dictionary<string, Shipped> _shippedByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _shippedFullNames = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="shipped">Each file the module ships, with the assembly it carries.</param>
    public WindowsPowerShellDependencies(IReadOnlyDictionary<string, AssemblyName> shipped)
    {
        foreach (KeyValuePair<string, AssemblyName> assembly in shipped)
        {
            _shippedByName[assembly.Value.Name ?? string.Empty] = new Shipped(assembly.Value, assembly.Key);
            _shippedFullNames.Add(assembly.Value.FullName);
        }
    }

    public static void Register()
    {
        s_registered = new WindowsPowerShellDependencies(AssembliesIn(ModuleHost.Directory));
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    public static void Unregister() => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    /// <summary>
    /// The shipped file that answers a failed load of <paramref name="requested"/>, or null to decline it.
    /// <paramref name="requester"/> is null when .NET Framework does not say who asked (a load by name through
    /// Assembly.Load): as in PSResourceGet, the request alone then decides.
    /// </summary>
    public string? FileFor(AssemblyName requested, AssemblyName? requester)
    {
        if (requester is not null && !_shippedFullNames.Contains(requester.FullName))
        {
            return null;
        }

        if (requested.Name is null || !_shippedByName.TryGetValue(requested.Name, out Shipped shipped))
        {
            return null;
        }

        bool versionInRange = requested.Version is null || shipped.Name.Version is null || requested.Version <= shipped.Name.Version;
        byte[]? requestedKey = requested.GetPublicKeyToken();
        bool sameKey = requestedKey is null || requestedKey.SequenceEqual(shipped.Name.GetPublicKeyToken() ?? Array.Empty<byte>());
        return versionInRange && sameKey ? shipped.File : null;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        string? file = s_registered?.FileFor(new AssemblyName(args.Name), args.RequestingAssembly?.GetName());
        return file is null ? null : Assembly.LoadFrom(file);
    }

    private static Dictionary<string, AssemblyName> AssembliesIn(string directory)
    {
        var assemblies = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
        foreach (string file in Directory.EnumerateFiles(directory, "*.dll"))
        {
            try
            {
                assemblies[file] = AssemblyName.GetAssemblyName(file);
            }
            catch (BadImageFormatException)
            {
                // Not a .NET assembly: nothing a load request could mean.
            }
        }

        return assemblies;
    }

    private readonly struct Shipped
    {
        public Shipped(AssemblyName name, string file)
        {
            Name = name;
            File = file;
        }

        public AssemblyName Name { get; }

        public string File { get; }
    }
}
