using System;
using System.Management.Automation;
using System.Threading;
using ResponseCache.Core;

namespace ResponseCache;

/// <summary>Writes hits' pending access times when the module is removed or the process exits.</summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int s_exitHookInstalled;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => CacheEngineRegistry.FlushAll();
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => CacheEngineRegistry.FlushAll();
}
