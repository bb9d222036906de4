using System;
using System.Management.Automation;

namespace ResponseCache.Commands;

/// <summary>
/// What every -TtlDays accepts: zero or more days, finite (NaN and infinity are refused), with ValidateRange's own
/// error and message (RangeValidation). For the cache's own TtlDays, 0 is refused too.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidateTtlDaysAttribute : ValidateArgumentsAttribute
{
    private static readonly ValidateRangeAttribute s_range = new ValidateRangeAttribute(0.0, double.MaxValue);

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

        RangeValidation.Check(s_range, arguments, engineIntrinsics);
    }
}
