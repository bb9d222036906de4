using System;
using System.Management.Automation;

namespace ResponseCache.Commands;

/// <summary>
/// What Set-ResponseCacheConfiguration's -MaxSizeMB accepts: SizeCap's range, or null, which is how
/// Get-ResponseCacheConfiguration shows a cache without a size cap, so its output piped in means "no size cap".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidateSizeCapAttribute : ValidateArgumentsAttribute
{
    private static readonly ValidateRangeAttribute s_range = new ValidateRangeAttribute(SizeCap.MinimumMB, SizeCap.MaximumMB);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is not null)
        {
            RangeValidation.Check(s_range, arguments, engineIntrinsics);
        }
    }
}
