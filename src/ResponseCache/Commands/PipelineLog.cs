using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>The engine's messages, routed to a cmdlet's verbose and warning streams.</summary>
internal sealed class PipelineLog : ICacheLog
{
    private readonly Cmdlet _cmdlet;

    public PipelineLog(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public void Verbose(string message) => _cmdlet.WriteVerbose(message);

    public void Warning(string message) => _cmdlet.WriteWarning(message);
}
