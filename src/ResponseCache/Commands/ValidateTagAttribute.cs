using System;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>What every -Tag accepts: text on one line, not blank (EntryTags); refused at binding, as ValidateNotNullOrEmpty refuses.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidateTagAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        try
        {
            EntryTags.Normalize(new[] { element as string ?? element?.ToString() ?? string.Empty }, "Tag");
        }
        catch (ArgumentException ex)
        {
            throw new ValidationMetadataException(ex.Message.Split(new[] { " (Parameter" }, StringSplitOptions.None)[0]);
        }
    }
}

/// <summary>What -ExpiresAfter accepts: a lifetime longer than zero.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidateLifetimeAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is TimeSpan lifetime && lifetime <= TimeSpan.Zero)
        {
            throw new ValidationMetadataException($"An entry's lifetime must be longer than zero, not {lifetime}. To store nothing, do not store; to remove an entry, use Remove-CachedResponse.");
        }
    }
}
