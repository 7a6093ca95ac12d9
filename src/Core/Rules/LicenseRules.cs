using ELicense.V1;
using Google.Protobuf.Collections;

namespace ELicense.Core.Rules;

/// <summary>Whether a licence is valid on a given day. Pure: the same rules for credentials and lookups.</summary>
public static class LicenseRules
{
    /// <summary>Points that end a cycle's driving entitlement (记满12分).</summary>
    public const int PointsLimit = 12;

    /// <summary>Adds every reason <paramref name="license"/> is not valid on <paramref name="today"/>; true when none applies.</summary>
    public static bool Evaluate(License license, DateOnly today, RepeatedField<NotValidReason> reasons)
    {
        var before = reasons.Count;
        if (license.Status != LicenseStatus.Normal)
        {
            reasons.Add(NotValidReason.Status);
        }

        if (license.ValidFromDate is null || today < license.ValidFromDate.ToDateOnly())
        {
            reasons.Add(NotValidReason.NotYetValid);
        }

        if (license.ValidUntilDate is not null && today > license.ValidUntilDate.ToDateOnly())
        {
            reasons.Add(NotValidReason.ValidityExpired);
        }

        // Data can lag the rules: 12 points means no driving whatever the recorded status says.
        if (license.Points >= PointsLimit)
        {
            reasons.Add(NotValidReason.PointsExceeded);
        }

        return reasons.Count == before;
    }

    /// <summary>True during the 12 months after first issue (实习期).</summary>
    public static bool InProbation(License license, DateOnly today) =>
        license.FirstIssueDate is not null && today < license.FirstIssueDate.ToDateOnly().AddMonths(12);
}
