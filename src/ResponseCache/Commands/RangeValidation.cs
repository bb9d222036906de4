using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ResponseCache.Commands;

/// <summary>
/// PowerShell's own range check, for attributes that add a rule of their own to it: the error
/// (ParameterArgumentValidationError) and its message, in whatever language PowerShell speaks, stay exactly those of
/// [ValidateRange]. That attribute is sealed and its check protected, hence the reflection.
/// </summary>
internal static class RangeValidation
{
    private static readonly MethodInfo s_validate = typeof(ValidateArgumentsAttribute).GetMethod(
        "Validate",
        BindingFlags.Instance | BindingFlags.NonPublic,
        null,
        new[] { typeof(object), typeof(EngineIntrinsics) },
        null)!;

    public static void Check(ValidateRangeAttribute range, object arguments, EngineIntrinsics engineIntrinsics)
    {
        try
        {
            s_validate.Invoke(range, new[] { arguments, engineIntrinsics });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
