using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for the vehicle type: stored and returned, changed, kept when a write leaves it empty, kept through an upgrade.</summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task UpsertVehicle_TypeChangedThenWrittenEmpty_KeepsLastTypeByPlateAndVin()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var vehicle = Vehicle(new Plate { Type = PlateType.Large, Number = "京A12345" }, VinA);

        // Empty means "keep what is stored" (an older writer's status update must not wipe the type), so a
        // type can be changed but not cleared through UpsertVehicle; the answer says what is stored.
        foreach (var (written, expected) in new[] { ("H11", "H11"), ("Q11", "Q11"), ("", "Q11") })
        {
            vehicle.VehicleType = written;
            vehicle.Model = "model " + written;
            var result = await store.UpsertVehicleAsync(vehicle, Ct);

            Assert.Equal(expected, result.Value.VehicleType);
            var byPlate = (await store.GetVehicleByPlateAsync(vehicle.Plate, Ct))!.Vehicle;
            Assert.Equal(expected, byPlate.VehicleType);
            Assert.Equal(vehicle.Model, byPlate.Model); // the rest of the row is still replaced
            Assert.Equal(expected, (await store.GetVehicleByVinAsync(VinA, Ct))!.Vehicle.VehicleType);
        }
    }

    [Fact]
    public async Task UpsertVehicle_NewRecordWithoutType_ReadsAsNotRecorded()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var vehicle = Vehicle(PlateA, VinA);
        vehicle.VehicleType = "";

        Assert.Equal("", (await store.UpsertVehicleAsync(vehicle, Ct)).Value.VehicleType);
        Assert.Equal("", (await store.GetVehicleByPlateAsync(PlateA, Ct))!.Vehicle.VehicleType);
    }

    [Fact]
    public async Task UpsertVehicle_PlateNowOnAnotherVinWithoutType_DoesNotInheritTheOldVehiclesType()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct); // K33
        var other = Vehicle(PlateA, VinB);
        other.VehicleType = "";

        Assert.Equal("", (await store.UpsertVehicleAsync(other, Ct)).Value.VehicleType);
        Assert.Equal("", (await store.GetVehicleByVinAsync(VinB, Ct))!.Vehicle.VehicleType);
    }

    [Fact]
    public async Task UpsertVehicle_VinMovesToNewPlateWithoutType_KeepsItsType()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct); // K33
        var moved = Vehicle(PlateB, VinA);
        moved.VehicleType = "";

        Assert.Equal("K33", (await store.UpsertVehicleAsync(moved, Ct)).Value.VehicleType);
        Assert.Equal("K33", (await store.GetVehicleByPlateAsync(PlateB, Ct))!.Vehicle.VehicleType);
        Assert.Null(await store.GetVehicleByPlateAsync(PlateA, Ct));
    }

    [Fact]
    public async Task UpsertVehicle_VinMovesToPlateOfOtherSizeWithoutType_TypeNotCarried()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct); // K33 on a small plate
        var moved = Vehicle(new Plate { Type = PlateType.Large, Number = "京A54321" }, VinA);
        moved.VehicleType = "";

        Assert.Equal("", (await store.UpsertVehicleAsync(moved, Ct)).Value.VehicleType); // a small car's type on a large plate: unknown
    }

    [Fact]
    public async Task OpenStore_OnVersion1Database_UpgradesAndReadsOldRowAsNotRecorded()
    {
        await using var engine = CreateEngine();
        var old = Vehicle(PlateA, VinA);
        await engine.WriteVersion1VehicleAsync(old);

        var store = await engine.OpenStoreAsync();
        var read = (await store.GetVehicleByPlateAsync(PlateA, Ct))!.Vehicle;

        // Every other field as the old build wrote it; the type it had no column for is '' (not recorded).
        Assert.Equal("", read.VehicleType);
        Assert.Equal(old.Vin, read.Vin);
        Assert.Equal(old.Model, read.Model);
        Assert.Equal(old.InspectionValidUntilDate, read.InspectionValidUntilDate);

        // The upgraded table takes a type like a new one, and a second start finds nothing more to do.
        old.VehicleType = "K31";
        await store.UpsertVehicleAsync(old, Ct);
        var again = await engine.OpenStoreAsync();
        Assert.Equal("K31", (await again.GetVehicleByVinAsync(VinA, Ct))!.Vehicle.VehicleType);
    }
}
