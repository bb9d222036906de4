using System.Management.Automation;
using ResponseCache.Completion;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// The cmdlets that address one entry: by its raw key text, by the parts a key is composed of, or by the request
/// itself (its canonical JSON is the key). A model is a name and never empty; the prompt and the input text are text,
/// and either may be empty.
/// </summary>
public abstract class KeyedCacheCommand : ResponseCacheCommand
{
    private protected const string KeySet = "Key";
    private protected const string ComposedSet = "Composed";
    private protected const string RequestSet = "Request";

    /// <summary>The request whose answer the entry holds: any object a script would send, or its JSON text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RequestSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public virtual object? Request { get; set; }

    /// <summary>The model name, the first part of a composed key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public virtual string? Model { get; set; }

    /// <summary>The prompt, the second part of a composed key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ValidateNotNull]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public virtual string? Prompt { get; set; }

    /// <summary>The input text, the optional third part of a composed key.</summary>
    [Parameter(ParameterSetName = ComposedSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    [KeyTextTransformation]
    [ArgumentCompleter(typeof(NoCompletions))]
    public virtual string? InputText { get; set; }

    /// <summary>The key this record addresses, from -Request, -Key or composed; false when it has none (the error is written).</summary>
    private protected bool TryResolveKey(bool composed, string key, out string resolved)
    {
        resolved = string.Empty;
        if (Request is not null)
        {
            return TryRequestKey(Request, out resolved);
        }

        if (composed)
        {
            if (!IsKeyText(Model, nameof(Model)) || !IsKeyText(Prompt, nameof(Prompt)) || !IsKeyText(InputText, nameof(InputText)))
            {
                return false;
            }

            resolved = CacheKeys.Compose(Model!, Prompt!, InputText);
            return true;
        }

        resolved = key;
        return IsKeyText(key, "Key");
    }
}
