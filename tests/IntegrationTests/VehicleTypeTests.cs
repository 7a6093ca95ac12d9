using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>The vehicle type through real gRPC: written, read back per role, refused when it is not one.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class VehicleTypeTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertVehicle_WithType_CheckVehicleReturnsItToOfficerAndTransfer()
    {
        var plate = TestData.NewPlate();
        plate.Type = PlateType.Large; // a tractor unit carries a large plate
        var written = TestData.NewVehicle(plate);
        written.VehicleType = "Q11";
        var stored = (await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = written }, cancellationToken: Ct)).Vehicle;
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));

        var officer = await env.ServerA.Verification.CheckVehicleAsync(new CheckVehicleRequest { Plate = written.Plate }, cancellationToken: Ct);
        var shaped = await transfer.CheckVehicleAsync(new CheckVehicleRequest { Vin = written.Vin }, cancellationToken: Ct);
        var eligibility = await transfer.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = written.Vin }, cancellationToken: Ct);

        Assert.Equal("Q11", stored.VehicleType);
        Assert.Equal("Q11", officer.Vehicle.VehicleType);
        // Not personal data: a transfer system gets it, and it is not listed as withheld.
        Assert.Equal("Q11", shaped.Vehicle.VehicleType);
        Assert.Equal("Q11", eligibility.Vehicle.VehicleType);
        Assert.DoesNotContain("vehicle.vehicle_type", shaped.WithheldFields.Paths);
    }

    [Fact]
    public async Task UpsertVehicle_UnknownTypeAndBadVin_ReportsBothFieldsAtOnce()
    {
        var vehicle = TestData.NewVehicle();
        vehicle.VehicleType = "X99";
        vehicle.Vin = "123";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(new HashSet<string> { "vehicle.vehicle_type", "vehicle.vin" }, fields);
    }

    [Fact]
    public async Task UpsertVehicle_BusOnSmallPlate_IsRefusedNamingThePlateItNeeds()
    {
        var vehicle = TestData.NewVehicle();
        vehicle.VehicleType = "K11";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct));

        var violation = Assert.Single(TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal("vehicle.vehicle_type", violation.Field);
        Assert.Contains("large plate (01 or 51)", violation.Description, StringComparison.Ordinal);
    }
}
