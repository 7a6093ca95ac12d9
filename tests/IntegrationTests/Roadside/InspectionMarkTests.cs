using System.Security.Cryptography;
using ELicense.Core;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>Inspection marks through real gRPC: issued by the registry API, verified for officers and transfer systems.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class InspectionMarkTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerInstance Server => env.ServerA;

    private VerificationService.VerificationServiceClient Transfer => new(Server.As(TestCallers.Transfer));

    [Fact]
    public async Task VerifyInspectionMark_Issued_IsValidForOfficerAndTransfer()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var issued = await Server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Vin = vehicle.Vin }, cancellationToken: Ct);

        var officer = (await RoadsideData.VerifyMarkAsync(Server.Verification, issued.QrPayload)).VehicleCheck;
        var again = (await RoadsideData.VerifyMarkAsync(Server.Verification, issued.QrPayload, "another-handheld")).VehicleCheck;
        var transfer = (await RoadsideData.VerifyMarkAsync(Transfer, issued.QrPayload)).VehicleCheck;

        Assert.StartsWith("EVM1:", issued.QrPayload, StringComparison.Ordinal);
        Assert.Equal(VehicleVerdict.Valid, officer.Verdict);
        Assert.Equal(VehicleVerdict.Valid, again.Verdict); // no one-use rule: a mark may be shown to any number of devices
        Assert.Equal(issued.MarkNumber, officer.Mark.Mark.MarkNumber);
        Assert.Equal(vehicle.Plate, officer.Mark.Mark.Plate);
        Assert.Equal(vehicle.InspectionValidUntilDate.ToDateOnly().AddDays(1), DateOnly.FromDateTime(issued.ExpireTime.ToDateTimeOffset().ToOffset(Dates.ChinaOffset).DateTime));
        Assert.Equal(vehicle.OwnerName, officer.Vehicle.OwnerName);
        Assert.NotNull(officer.Freshness);
        Assert.Null(officer.MaskedFields);
        Assert.Equal(VehicleVerdict.Valid, transfer.Verdict);
        Assert.NotEqual(vehicle.OwnerName, transfer.Vehicle.OwnerName);
        Assert.Equal(["vehicle.owner_name"], transfer.MaskedFields.Paths);
        Assert.Equal(vehicle.Vin, transfer.Vehicle.Vin);
    }

    [Fact]
    public async Task VerifyInspectionMark_Expired_IsMarkExpiredWithItsClaims()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var lapsed = vehicle.Clone();
        lapsed.InspectionValidUntilDate = RoadsideData.ChinaToday.AddDays(-2).ToProtoDate();
        var payload = RoadsideData.MintWithServerKey(Server, lapsed, DateTimeOffset.UtcNow.AddDays(-400));

        var check = (await RoadsideData.VerifyMarkAsync(Server.Verification, payload)).VehicleCheck;

        Assert.Equal(VehicleVerdict.MarkExpired, check.Verdict);
        Assert.Equal(vehicle.Plate, check.Mark.Mark.Plate);
        Assert.Null(check.Vehicle);
    }

    [Fact]
    public async Task VerifyInspectionMark_VehicleSeizedAfterTheMarkWasIssued_IsNotValidSeized()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var payload = await RoadsideData.IssueMarkAsync(Server, vehicle);
        vehicle.Statuses.Add(VehicleStatus.Seized);
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);

        var check = (await RoadsideData.VerifyMarkAsync(Server.Verification, payload)).VehicleCheck;

        Assert.Equal(VehicleVerdict.NotValid, check.Verdict);
        Assert.Equal([VehicleNotValidReason.Seized], check.NotValidReasons);
    }

    [Fact]
    public async Task VerifyInspectionMark_InspectionShortenedAfterIssue_IsInspectionRevoked()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var payload = await RoadsideData.IssueMarkAsync(Server, vehicle);
        vehicle.InspectionValidUntilDate = RoadsideData.ChinaToday.AddDays(30).ToProtoDate(); // still valid today, but shorter than signed
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);

        var check = (await RoadsideData.VerifyMarkAsync(Server.Verification, payload)).VehicleCheck;

        Assert.Equal(VehicleVerdict.NotValid, check.Verdict);
        Assert.Equal([VehicleNotValidReason.InspectionRevoked], check.NotValidReasons);
    }

    [Fact]
    public async Task VerifyInspectionMark_ForgedAndTampered_AreNeverValid()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var genuine = await RoadsideData.IssueMarkAsync(Server, vehicle);
        var kid = Convert.FromHexString((await RoadsideData.VerifyMarkAsync(Server.Verification, genuine)).VehicleCheck.Mark.KeyId);
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var twin = RoadsideData.Mint(vehicle, foreign, kid, DateTimeOffset.UtcNow);          // the server's kid, another key
        var stranger = RoadsideData.Mint(vehicle, foreign, [1, 2, 3, 4, 5, 6, 7, 8], DateTimeOffset.UtcNow);
        var tampered = genuine[..^3] + (genuine[^3] == '0' ? '1' : '0') + genuine[^2..];

        Assert.Equal(VehicleVerdict.SignatureInvalid, (await RoadsideData.VerifyMarkAsync(Server.Verification, twin)).VehicleCheck.Verdict);
        Assert.Equal(VehicleVerdict.UnknownKey, (await RoadsideData.VerifyMarkAsync(Server.Verification, stranger)).VehicleCheck.Verdict);
        var tamperedCheck = (await RoadsideData.VerifyMarkAsync(Server.Verification, tampered)).VehicleCheck;
        Assert.True(tamperedCheck.Verdict is VehicleVerdict.SignatureInvalid or VehicleVerdict.Malformed, tamperedCheck.Verdict.ToString());
        Assert.Null(tamperedCheck.Vehicle);
    }

    [Fact]
    public async Task VerifyInspectionMark_LicenceCredentialText_IsMalformed()
    {
        var license = await TestData.CreateLicenseAsync(Server);

        var check = (await RoadsideData.VerifyMarkAsync(Server.Verification, await TestData.IssueAsync(Server, license.LicenseNumber))).VehicleCheck;

        Assert.Equal(VehicleVerdict.Malformed, check.Verdict);
        Assert.Null(check.Mark);
    }

    [Fact]
    public async Task VerifyInspectionMark_NoDeviceId_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => RoadsideData.VerifyMarkAsync(Server.Verification, "EVM1:x", device: ""));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("device_id", Assert.Single(TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task IssueInspectionMark_InspectionLapsed_IsFailedPreconditionWithDetails()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        vehicle.InspectionValidUntilDate = RoadsideData.ChinaToday.AddDays(-1).ToProtoDate();
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => RoadsideData.IssueMarkAsync(Server, vehicle));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var status = TestData.RichStatus(error);
        Assert.Equal("INSPECTION_NOT_VALID", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal("INSPECTION", Assert.Single(status.GetDetail<Google.Rpc.PreconditionFailure>()!.Violations).Type);
    }

    [Fact]
    public async Task VerifyInspectionMark_PlateNowOnAnotherVin_MarkMismatchWithoutThatVehiclesRecord()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var payload = await RoadsideData.IssueMarkAsync(Server, vehicle);
        var other = TestData.NewVehicle(vehicle.Plate); // the plate re-issued to another vehicle
        other.VehicleType = "K33";
        other.InspectionValidUntilDate = vehicle.InspectionValidUntilDate;
        Assert.NotEqual(vehicle.Vin, other.Vin);
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = other }, cancellationToken: Ct);

        var check = (await RoadsideData.VerifyMarkAsync(Server.Verification, payload)).VehicleCheck;

        Assert.Equal(VehicleVerdict.NotValid, check.Verdict);
        Assert.Contains(VehicleNotValidReason.MarkMismatch, check.NotValidReasons);
        // The vehicle now under the plate is not the one presented: its owner and violations are not shown as this one's.
        Assert.Null(check.Vehicle);
        Assert.Null(check.Violations);
        Assert.NotNull(check.Freshness);
    }

    [Fact]
    public async Task IssueInspectionMark_SeizedVehicle_IsFailedPreconditionVehicleNotNormal()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server, statuses: VehicleStatus.Seized);

        var error = await Assert.ThrowsAsync<RpcException>(() => RoadsideData.IssueMarkAsync(Server, vehicle));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var status = TestData.RichStatus(error);
        Assert.Equal("VEHICLE_NOT_NORMAL", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal("STATUS", Assert.Single(status.GetDetail<Google.Rpc.PreconditionFailure>()!.Violations).Type);
    }

    [Fact]
    public async Task IssueInspectionMark_ValidityBeyondMarkLifetime_IsFailedPrecondition()
    {
        var vehicle = TestData.NewVehicle(); // inspection valid until 2030: further ahead than the 823-day mark lifetime
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => RoadsideData.IssueMarkAsync(Server, vehicle));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("MarkMaxLifetime", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueInspectionMark_UnknownVehicleAndBadRequests_AreNotFoundAndInvalidArgument()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Vin = TestData.NewVin() }, cancellationToken: Ct));
        var empty = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest(), cancellationToken: Ct));
        var badPlate = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Plate = new Plate { Number = "X", Type = PlateType.Unspecified } }, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("VEHICLE_NOT_FOUND", TestData.RichStatus(unknown).GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal(new HashSet<string> { "plate.type", "plate.number" },
            TestData.RichStatus(badPlate).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet());
    }

    [Fact]
    public async Task IssueInspectionMark_Holder_IsPermissionDenied()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var holder = new RegistryService.RegistryServiceClient(Server.As(TestCallers.Holder));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await holder.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Plate = vehicle.Plate }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
