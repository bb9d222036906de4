using System;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ResponseCache.Commands;

/// <summary>
/// What every -TtlDays accepts: zero or more days, finite (NaN and infinity are refused). PowerShell's own range
/// check does the work, so the error (ParameterArgumentValidationError) and its message, in whatever language
/// PowerShell speaks, are exactly those of [ValidateRange(0.0, [double]::MaxValue)]; that attribute is sealed, and its
/// check is protected, hence the reflection.
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

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
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
