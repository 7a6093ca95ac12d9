using ELicense.Core.Masking;
using ELicense.V1;
using Google.Protobuf.Collections;

namespace ELicense.Core.Rules;

/// <summary>Whether a vehicle may be driven on the road as far as its papers go, and whether a mark describes it. Pure.</summary>
public static class VehicleRoadRules
{
    /// <summary>
    /// Adds every reason the live <paramref name="vehicle"/> may not be driven today; with a genuine
    /// <paramref name="mark"/>, also whether the mark still describes it. True when none applies. Mortgage and
    /// an unprocessed accident do not stop a vehicle being driven (they block a transfer, not a journey).
    /// </summary>
    public static bool Evaluate(Vehicle vehicle, InspectionMark? mark, DateOnly today, RepeatedField<VehicleNotValidReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        foreach (var status in vehicle.Statuses.Distinct().Order())
        {
            var reason = status switch
            {
                VehicleStatus.Stolen => VehicleNotValidReason.Stolen,
                VehicleStatus.Seized => VehicleNotValidReason.Seized,
                VehicleStatus.Cancelled => VehicleNotValidReason.Cancelled,
                VehicleStatus.TransferredOut => VehicleNotValidReason.TransferredOut,
                _ => VehicleNotValidReason.Unspecified,
            };
            if (reason != VehicleNotValidReason.Unspecified)
            {
                reasons.Add(reason);
            }
        }

        if (!VehicleRules.InspectionValid(vehicle, today))
        {
            reasons.Add(VehicleNotValidReason.InspectionExpired);
        }

        if (!VehicleRules.InsuranceValid(vehicle, today))
        {
            reasons.Add(VehicleNotValidReason.InsuranceExpired);
        }

        if (mark is not null)
        {
            if (vehicle.InspectionValidUntilDate is null || mark.InspectionValidUntilDate is null
                || vehicle.InspectionValidUntilDate.ToDateOnly() < mark.InspectionValidUntilDate.ToDateOnly())
            {
                reasons.Add(VehicleNotValidReason.InspectionRevoked);
            }

            if (!Describes(mark, vehicle))
            {
                reasons.Add(VehicleNotValidReason.MarkMismatch);
            }
        }

        return reasons.Count == 0;
    }

    /// <summary>
    /// Whether <paramref name="mark"/> was issued for <paramref name="vehicle"/>: the same plate, the VIN its
    /// masked VIN was taken from, and the same vehicle type where both record one (a type recorded after
    /// the mark was issued is not a mismatch; a different one is).
    /// </summary>
    public static bool Describes(InspectionMark mark, Vehicle vehicle) =>
        mark.Plate is not null && vehicle.Plate is not null
        && string.Equals(mark.Plate.Number, vehicle.Plate.Number, StringComparison.Ordinal) && mark.Plate.Type == vehicle.Plate.Type
        && Masks.VinMatches(mark.MaskedVin, vehicle.Vin)
        && (mark.VehicleType.Length == 0 || vehicle.VehicleType.Length == 0 || string.Equals(mark.VehicleType, vehicle.VehicleType, StringComparison.Ordinal));

    /// <summary>A sentence naming the reasons, for a response's message.</summary>
    public static string Explain(IEnumerable<VehicleNotValidReason> reasons) =>
        string.Join("; ", reasons.Select(r => r switch
        {
            VehicleNotValidReason.Stolen => "reported stolen",
            VehicleNotValidReason.Seized => "seized",
            VehicleNotValidReason.Cancelled => "registration cancelled",
            VehicleNotValidReason.TransferredOut => "transferred out",
            VehicleNotValidReason.InspectionExpired => "inspection expired",
            VehicleNotValidReason.InsuranceExpired => "compulsory insurance lapsed",
            VehicleNotValidReason.InspectionRevoked => "inspection revoked or shortened since the mark was issued",
            VehicleNotValidReason.MarkMismatch => "the mark does not describe the vehicle registered under its plate",
            _ => r.ToString(),
        }));
}
