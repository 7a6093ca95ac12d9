using ELicense.Server.Verification;
using ELicense.V1;
using Google.Protobuf.Collections;
using Xunit;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;

namespace ELicense.Server.Tests.Verification;

public class VehicleRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Vehicle CleanVehicle() => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAM4187C2184847",
        OwnerName = "李四 (synthetic)",
        InspectionValidUntilDate = new Google.Type.Date { Year = 2027, Month = 5, Day = 31 },
        InsuranceValidUntilDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 31 },
    };

    [Fact]
    public void EvaluateTransfer_CleanVehicle_IsEligible()
    {
        var blocks = new RepeatedField<TransferBlock>();

        Assert.True(VehicleRules.EvaluateTransfer(CleanVehicle(), new ViolationSummary(), Today, stale: false, blocks));
        Assert.Empty(blocks);
    }

    [Fact]
    public void EvaluateTransfer_EveryProblemAtOnce_ReportsEveryReason()
    {
        var vehicle = CleanVehicle();
        vehicle.Statuses.Add([VehicleStatus.Mortgaged, VehicleStatus.Seized, VehicleStatus.UnprocessedAccident]);
        vehicle.InspectionValidUntilDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 24 };
        var blocks = new RepeatedField<TransferBlock>();

        var eligible = VehicleRules.EvaluateTransfer(vehicle, new ViolationSummary { UnprocessedCount = 2 }, Today, stale: true, blocks);

        Assert.False(eligible);
        Assert.Equal(
            new[]
            {
                TransferBlockReason.UnprocessedViolations, TransferBlockReason.Mortgaged, TransferBlockReason.Seized,
                TransferBlockReason.UnprocessedAccident, TransferBlockReason.InspectionExpired, TransferBlockReason.DataStale,
            }.Order(),
            blocks.Select(b => b.Reason).Order());
    }

    [Fact]
    public void EvaluateTransfer_StaleButClean_IsNotEligible()
    {
        var blocks = new RepeatedField<TransferBlock>();

        Assert.False(VehicleRules.EvaluateTransfer(CleanVehicle(), new ViolationSummary(), Today, stale: true, blocks));
        Assert.Equal(TransferBlockReason.DataStale, Assert.Single(blocks).Reason);
    }

    [Fact]
    public void InspectionValid_LastDay_IsValid()
    {
        var vehicle = CleanVehicle();
        vehicle.InspectionValidUntilDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 25 };

        Assert.True(VehicleRules.InspectionValid(vehicle, Today));
    }
}
