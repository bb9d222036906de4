using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ResponseCache;

/// <summary>
/// On PowerShell 7, loads the ReadyToRun (precompiled) copy of ResponseCache.Core for this OS and architecture, from
/// ReadyToRun/&lt;os&gt;-&lt;arch&gt;/ in the module folder, before anything binds the engine: the cmdlets' references then
/// bind to it. PowerShell 7 otherwise compiles the engine's IL on first use, measured at about 12 of the 27 ms of the
/// first Get-CachedResponse in a fresh process (BENCHMARKS.md). When there is no image for the platform, or it does not
/// load, the IL copy beside this assembly binds as it always did; Windows PowerShell never gets here.
/// </summary>
internal static class ReadyToRunEngine
{
    private const string FolderName = "ReadyToRun";
    private const uint PESignature = 0x00004550;

    private static int s_attempted;

    // Not inlined into a caller that Windows PowerShell compiles: RuntimeInformation is not in every .NET Framework.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Preload()
    {
        if (Interlocked.Exchange(ref s_attempted, 1) != 0)
        {
            return;
        }

        try
        {
            string? image = ImagePath(out int machine);
            // The runtime turns down an image built for another platform only after binding its name, and from then on
            // turns down the IL copy too, for the life of the process: so the image's platform is checked first.
            if (image is not null && File.Exists(image) && PEMachine(image) == machine)
            {
                Assembly.LoadFrom(image);
            }
        }
        catch (Exception)
        {
            // A damaged image: the IL copy binds instead, as it does where no image ships.
        }
    }

    /// <summary>
    /// The image for this process, and the PE machine that a ReadyToRun image for it declares: its architecture's,
    /// XOR a constant for its OS (none on Windows).
    /// </summary>
    private static string? ImagePath(out int machine)
    {
        string os;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            (os, machine) = ("win", 0);
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            (os, machine) = ("linux", 0x7B79);
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            (os, machine) = ("osx", 0x4644);
        }
        else
        {
            machine = 0;
            return null;
        }

        string architecture;
        switch (RuntimeInformation.ProcessArchitecture)
        {
            case Architecture.X64:
                (architecture, machine) = ("x64", machine ^ 0x8664);
                break;
            case Architecture.Arm64:
                (architecture, machine) = ("arm64", machine ^ 0xAA64);
                break;
            case Architecture.X86:
                (architecture, machine) = ("x86", machine ^ 0x014C);
                break;
            default:
                return null;
        }

        return ModuleHost.Directory.Length == 0 ? null : Path.Combine(ModuleHost.Directory, FolderName, os + "-" + architecture, "ResponseCache.Core.dll");
    }

    private static int PEMachine(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = new BinaryReader(file);
        file.Position = 0x3C;
        file.Position = reader.ReadInt32();
        return reader.ReadUInt32() == PESignature ? reader.ReadUInt16() : -1;
    }
}
