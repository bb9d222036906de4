using System;
using System.Management.Automation;
using System.Threading;
using ResponseCache.Core;

namespace ResponseCache;

/// <summary>
/// Module life: on import, resolves shipped dependencies on Windows PowerShell and arranges for pending access
/// times to be written at process exit; on removal, writes them and undoes the import's hooks, and once no runspace
/// has the module any more, closes every cache and server connection it opened.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int s_exitHookInstalled;

    // The caches are the process's, shared by every runspace that imported the module: one runspace removing it
    // must not close a connection another is using.
    private static int s_imports;

    public void OnImport()
    {
        if (ModuleHost.IsWindowsPowerShell)
        {
            WindowsPowerShellDependencies.Register();
        }

        Interlocked.Increment(ref s_imports);
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => OpenCaches.FlushAll();
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Interlocked.Decrement(ref s_imports) <= 0)
        {
            OpenCaches.CloseAll();
        }
        else
        {
            OpenCaches.FlushAll();
        }

        if (ModuleHost.IsWindowsPowerShell)
        {
            WindowsPowerShellDependencies.Unregister();
        }
    }
}
