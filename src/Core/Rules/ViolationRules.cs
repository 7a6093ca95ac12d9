using ELicense.V1;

namespace ELicense.Core.Rules;

/// <summary>Why a violation may not move to the state asked for.</summary>
public enum ViolationRefusal
{
    /// <summary>The move is allowed.</summary>
    None = 0,

    /// <summary>The violation is already in that state or past it (paid is final; processed can only become paid).</summary>
    AlreadyResolved = 1,

    /// <summary>Neither the violation nor the request names a licence to attribute it to.</summary>
    LicenseRequired = 2,
}

/// <summary>What resolving a violation does: refused, or attributed to a licence, with or without its points.</summary>
/// <param name="Refusal">Why the move is refused; <see cref="ViolationRefusal.None"/> when allowed.</param>
/// <param name="AttributedTo">The licence the violation ends up attributed to (null when refused).</param>
/// <param name="AddsPoints">True when the violation's points go onto that licence (the first resolution only).</param>
public readonly record struct ViolationDecision(ViolationRefusal Refusal, string? AttributedTo, bool AddsPoints)
{
    /// <summary>True when the move is allowed.</summary>
    public bool Allowed => Refusal == ViolationRefusal.None;
}

/// <summary>
/// The violation state machine and the points rule, pure so that every storage engine applies the same
/// rules: a store reads the current rows inside its write transaction, asks these functions, and writes
/// what they decided (see the registry's <c>ViolationResolution</c>).
/// </summary>
public static class ViolationRules
{
    /// <summary>True for the states a violation can be resolved to: PROCESSED and PAID.</summary>
    public static bool IsResolution(ViolationState state) => state is ViolationState.Processed or ViolationState.Paid;

    /// <summary>UNPROCESSED → PROCESSED or PAID; PROCESSED → PAID; nothing else (PAID is final).</summary>
    public static bool CanMove(ViolationState from, ViolationState to) => IsResolution(to) && from switch
    {
        ViolationState.Unprocessed => true,
        ViolationState.Processed => to == ViolationState.Paid,
        _ => false,
    };

    /// <summary>
    /// Decides a resolution. Processing attributes the violation (the given licence wins over the recorded
    /// one) and adds its points; paying a processed one keeps its licence and adds nothing again.
    /// </summary>
    /// <param name="from">The violation's current state.</param>
    /// <param name="to">The state asked for (PROCESSED or PAID).</param>
    /// <param name="recordedLicense">The licence the violation is attributed to now; null or empty for none.</param>
    /// <param name="givenLicense">The licence named by the request; null or empty for none.</param>
    public static ViolationDecision Decide(ViolationState from, ViolationState to, string? recordedLicense, string? givenLicense)
    {
        if (!CanMove(from, to))
        {
            return new ViolationDecision(ViolationRefusal.AlreadyResolved, null, false);
        }

        var recorded = string.IsNullOrEmpty(recordedLicense) ? null : recordedLicense;
        var given = string.IsNullOrEmpty(givenLicense) ? null : givenLicense;
        var first = from == ViolationState.Unprocessed;
        var attributed = first ? given ?? recorded : recorded ?? given;
        return attributed is null
            ? new ViolationDecision(ViolationRefusal.LicenseRequired, null, false)
            : new ViolationDecision(ViolationRefusal.None, attributed, first);
    }

    /// <summary>
    /// A licence's status once it holds <paramref name="points"/>: reaching <see cref="LicenseRules.PointsLimit"/>
    /// sets a normal licence to POINTS_EXCEEDED; any other status (suspended, revoked…) is kept, being the stronger fact.
    /// </summary>
    public static LicenseStatus StatusWithPoints(LicenseStatus status, int points) =>
        points >= LicenseRules.PointsLimit && status == LicenseStatus.Normal ? LicenseStatus.PointsExceeded : status;
}
