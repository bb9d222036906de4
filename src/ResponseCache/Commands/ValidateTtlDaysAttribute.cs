using System;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ResponseCache.Commands;

/// <summary>
/// What every -TtlDays accepts: zero or more days, finite (NaN and infinity are refused). PowerShell's own range
/// check does the work, so the error (ParameterArgumentValidationError) and its message, in whatever language
/// PowerShell speaks, are exactly those of [ValidateRange(0.0, [double]::MaxValue)]; that attribute is sealed, and its
/// check is protected, hence the reflection. For the cache's own TtlDays, 0 is refused too.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidateTtlDaysAttribute : ValidateArgumentsAttribute
{
    private static readonly ValidateRangeAttribute s_range = new ValidateRangeAttribute(0.0, double.MaxValue);

    private static readonly MethodInfo s_validate = typeof(ValidateArgumentsAttribute).GetMethod(
        nameof(Validate),
        BindingFlags.Instance | BindingFlags.NonPublic,
        null,
        new[] { typeof(object), typeof(EngineIntrinsics) },
        null)!;

    /// <summary>Whether 0 is accepted: for one call's freshness it means "nothing is fresh enough"; as the cache's
    /// own TtlDays it would expire every entry the moment it is written, which many tools read as "never".</summary>
    public bool AllowZero { get; set; } = true;

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (!AllowZero && arguments is double days && days == 0)
        {
            throw new ValidationMetadataException(
                "TtlDays 0 would expire every entry the moment it is written (as the Python CacheManager reads it); it does not mean never. " +
                "To remove every entry now, use Clear-ResponseCache; for entries that practically never expire, give a large number of days such as 36500.");
        }

        try
        {
            s_validate.Invoke(s_range, new[] { arguments, engineIntrinsics });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
