using ELicense.Inspector.Offline;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>A follow-up answer shown under the licence card.</summary>
public abstract record Detail
{
    /// <summary>The vehicle the driver is in.</summary>
    public sealed record Vehicle(CheckVehicleResponse Response) : Detail;

    /// <summary>Whether that vehicle may change owner.</summary>
    public sealed record Transfer(CheckTransferEligibilityResponse Response) : Detail;

    /// <summary>Unprocessed violations of the licence or the plate (<paramref name="Subject"/> is masked).</summary>
    public sealed record Violations(string Subject, ListViolationsResponse Response) : Detail;

    /// <summary>What re-verifying the offline queue found.</summary>
    public sealed record Sync(IReadOnlyList<SyncResult> Results) : Detail;
}
