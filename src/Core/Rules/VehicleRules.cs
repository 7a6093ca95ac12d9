using ELicense.V1;
using Google.Protobuf.Collections;

namespace ELicense.Core.Rules;

/// <summary>Vehicle checks and transfer eligibility. Pure.</summary>
public static class VehicleRules
{
    public static bool InspectionValid(Vehicle vehicle, DateOnly today) =>
        vehicle.InspectionValidUntilDate is not null && today <= vehicle.InspectionValidUntilDate.ToDateOnly();

    public static bool InsuranceValid(Vehicle vehicle, DateOnly today) =>
        vehicle.InsuranceValidUntilDate is not null && today <= vehicle.InsuranceValidUntilDate.ToDateOnly();

    public static bool StatusNormal(Vehicle vehicle) => vehicle.Statuses.All(s => s == VehicleStatus.Normal);

    /// <summary>
    /// Adds every reason that blocks a transfer; true when none does. A stale answer is never eligible:
    /// the blocker may have been registered after the copy was made.
    /// </summary>
    public static bool EvaluateTransfer(Vehicle vehicle, ViolationSummary violations, DateOnly today, bool stale, RepeatedField<TransferBlock> blocks)
    {
        if (violations.UnprocessedCount > 0)
        {
            blocks.Add(Block(TransferBlockReason.UnprocessedViolations, $"{violations.UnprocessedCount} unprocessed violation(s) on the plate."));
        }

        foreach (var status in vehicle.Statuses.Distinct())
        {
            var block = status switch
            {
                VehicleStatus.UnprocessedAccident => Block(TransferBlockReason.UnprocessedAccident, "An accident is not yet processed."),
                VehicleStatus.Mortgaged => Block(TransferBlockReason.Mortgaged, "A mortgage is registered on the vehicle."),
                VehicleStatus.Seized => Block(TransferBlockReason.Seized, "The vehicle is seized."),
                VehicleStatus.Stolen => Block(TransferBlockReason.Stolen, "The vehicle is reported stolen."),
                VehicleStatus.Cancelled => Block(TransferBlockReason.Cancelled, "The registration is cancelled."),
                VehicleStatus.TransferredOut => Block(TransferBlockReason.TransferredOut, "The vehicle is already transferred out."),
                _ => null,
            };
            if (block is not null)
            {
                blocks.Add(block);
            }
        }

        if (!InspectionValid(vehicle, today))
        {
            blocks.Add(Block(TransferBlockReason.InspectionExpired, "The inspection mark has expired."));
        }

        if (!InsuranceValid(vehicle, today))
        {
            blocks.Add(Block(TransferBlockReason.InsuranceExpired, "Compulsory traffic insurance has expired."));
        }

        if (stale)
        {
            blocks.Add(Block(TransferBlockReason.DataStale, "The registry is unreachable; eligibility is not granted on cached data."));
        }

        return blocks.Count == 0;
    }

    private static TransferBlock Block(TransferBlockReason reason, string message) => new() { Reason = reason, Message = message };
}
