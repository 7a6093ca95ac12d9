using ELicense.Server.Registry;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for vehicles: round trips, statuses, a VIN moving plates, unprocessed totals.</summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task UpsertVehicle_ThenGetByPlateAndVin_RoundTripsStatusesAndDates()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var vehicle = Vehicle(PlateB, VinA, VehicleStatus.Seized, VehicleStatus.Mortgaged, VehicleStatus.Seized);

        var written = await store.UpsertVehicleAsync(vehicle, Ct);

        var expected = vehicle.Clone();
        expected.Statuses.Clear();
        expected.Statuses.Add([VehicleStatus.Seized, VehicleStatus.Mortgaged]);
        expected.UpdateTime = NowTimestamp(engine);
        Assert.Equal(expected, written.Value);
        Assert.Equal(expected, (await store.GetVehicleByPlateAsync(PlateB, Ct))!.Vehicle);
        Assert.Equal(expected, (await store.GetVehicleByVinAsync(VinA, Ct))!.Vehicle);
        Assert.Null(await store.GetVehicleByPlateAsync(new Plate { Type = PlateType.Small, Number = PlateB.Number }, Ct));
    }

    [Fact]
    public async Task UpsertVehicle_Normal_ReadsBackWithoutStatusesOrOnlyNormal()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateB, VinB, VehicleStatus.Normal), Ct);

        Assert.Empty((await store.GetVehicleByPlateAsync(PlateA, Ct))!.Vehicle.Statuses);
        Assert.Equal([VehicleStatus.Normal], (await store.GetVehicleByPlateAsync(PlateB, Ct))!.Vehicle.Statuses);
    }

    [Fact]
    public async Task UpsertVehicle_VinMovesToNewPlate_RemovesOldPlateAndReportsBoth()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateB, VinB), Ct);

        // VinA is re-registered under PlateB, whose vehicle had VinB.
        var result = await store.UpsertVehicleAsync(Vehicle(PlateB, VinA), Ct);

        Assert.Null(await store.GetVehicleByPlateAsync(PlateA, Ct));
        Assert.Null(await store.GetVehicleByVinAsync(VinB, Ct));
        Assert.Equal(PlateB, (await store.GetVehicleByVinAsync(VinA, Ct))!.Vehicle.Plate);
        Assert.Equal(
            [(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateB)), (ChangeKind.VehicleVin, VinA),
             (ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateA)), (ChangeKind.VehicleVin, VinB)],
            result.Changes.Select(c => (c.Kind, c.Key)));
    }

    [Fact]
    public async Task GetLicenseAndVehicle_WithViolations_SummarizeOnlyUnprocessed()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        var t = Start;
        await store.RecordViolationAsync(Violation(PlateA, t, points: 3, fine: 200, license: HolderA), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 6, fine: 200, license: HolderA), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 1, fine: 50, license: HolderA, state: ViolationState.Paid), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 0, fine: 200), "", Ct); // camera, unattributed
        await store.RecordViolationAsync(Violation(PlateB, t, points: 3, fine: 100, license: HolderA), "", Ct); // another plate

        var license = await store.GetLicenseAsync(HolderA, Ct);
        var byPlate = await store.GetVehicleByPlateAsync(PlateA, Ct);
        var byVin = await store.GetVehicleByVinAsync(VinA, Ct);

        Assert.Equal(new ViolationSummary { UnprocessedCount = 3, UnprocessedPoints = 12, UnprocessedFineYuan = 500 }, license!.Violations);
        var plateSummary = new ViolationSummary { UnprocessedCount = 3, UnprocessedPoints = 9, UnprocessedFineYuan = 600 };
        Assert.Equal(plateSummary, byPlate!.Violations);
        Assert.Equal(plateSummary, byVin!.Violations);
    }
}
