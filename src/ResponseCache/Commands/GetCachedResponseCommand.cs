using System.Management.Automation;
using System.Text;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>Returns a cached response, or nothing on a miss.</summary>
[Cmdlet(VerbsCommon.Get, "CachedResponse")]
[OutputType(typeof(PSObject), typeof(string))]
public sealed class GetCachedResponseCommand : ResponseCacheCommand
{
    /// <summary>The key text, exactly as the reference hashes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>Entries older than this are removed and treated as a miss.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double TtlDays { get; set; } = CachePolicy.DefaultTtlDays;

    /// <summary>Returns the response's JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Returns a cached array as one object instead of its items.</summary>
    [Parameter]
    public SwitchParameter NoEnumerate { get; set; }

    protected override void ProcessRecord()
    {
        byte[]? json = null;
        if (!TryCache(() => json = Engine.Get(Key, new CachePolicy(CachePolicy.DefaultMaxEntries, TtlDays), Log), Key) || json is null)
        {
            return;
        }

        if (AsJson)
        {
            WriteObject(Encoding.UTF8.GetString(json));
            return;
        }

        WriteObject(ResponseDeserializer.Deserialize(json), enumerateCollection: !NoEnumerate);
    }
}
