using System;
using System.Management.Automation;
using System.Threading;
using ResponseCache.Core;

namespace ResponseCache;

/// <summary>
/// Module life: on import, resolves shipped dependencies on Windows PowerShell and arranges for pending access
/// times to be written at process exit; on removal, writes them and undoes the import's hooks.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int s_exitHookInstalled;

    public void OnImport()
    {
        if (ModuleHost.IsWindowsPowerShell)
        {
            WindowsPowerShellDependencies.Register();
        }

        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => CacheEngineRegistry.FlushAll();
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        CacheEngineRegistry.FlushAll();
        if (ModuleHost.IsWindowsPowerShell)
        {
            WindowsPowerShellDependencies.Unregister();
        }
    }
}
