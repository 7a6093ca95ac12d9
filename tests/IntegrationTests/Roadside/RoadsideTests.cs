using ELicense.IntegrationTests.Infrastructure;
using ELicense.Server.Auditing;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>CheckRoadside through real gRPC: licence, vehicle and their match in one call, for officers and transfer systems.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class RoadsideTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerInstance Server => env.ServerA;

    private Task<CheckRoadsideResponse> CheckAsync(CheckRoadsideRequest request, TestCaller? caller = null) =>
        (caller is null ? Server.Verification : new VerificationService.VerificationServiceClient(Server.As(caller)))
            .CheckRoadsideAsync(request, cancellationToken: Ct).ResponseAsync;

    private async Task<CheckRoadsideRequest> RequestAsync(License license, Vehicle vehicle, string device = "handheld-roadside") => new()
    {
        LicenseQrPayload = await TestData.IssueAsync(Server, license.LicenseNumber),
        MarkQrPayload = await RoadsideData.IssueMarkAsync(Server, vehicle),
        DeviceId = device,
    };

    [Fact]
    public async Task CheckRoadside_C1WithSmallCarMark_MayDrive()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server, "K33");

        var response = await CheckAsync(await RequestAsync(license, vehicle));

        Assert.True(response.MayDrive, response.Message);
        Assert.Equal(Verdict.Valid, response.LicenseCheck.Verdict);
        Assert.NotEqual(ReplayCheck.Unspecified, response.LicenseCheck.ReplayCheck); // the one-use rule ran (LOCAL_ONLY on a loaded host is honest too)
        Assert.Equal(VehicleVerdict.Valid, response.VehicleCheck.Verdict);
        Assert.Equal(EntitlementReason.Entitled, response.Entitlement.Reason);
        Assert.Equal(("K33", "C1"), (response.Entitlement.VehicleType, response.Entitlement.LicenseClass));
        Assert.NotNull(response.VerifyTime);
    }

    [Fact]
    public async Task CheckRoadside_C1WithHeavyTruck_ClassDoesNotCoverVehicle()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var truck = await RoadsideData.CreateVehicleAsync(Server, "H11", PlateType.Large);

        var response = await CheckAsync(await RequestAsync(license, truck));

        Assert.False(response.MayDrive);
        Assert.Equal((Verdict.Valid, VehicleVerdict.Valid), (response.LicenseCheck.Verdict, response.VehicleCheck.Verdict));
        Assert.Equal(EntitlementReason.ClassDoesNotCoverVehicle, response.Entitlement.Reason);
        Assert.Contains("B2", response.Entitlement.RequiredClasses);
        Assert.Contains("B2", response.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("..", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRoadside_UnknownPlate_VehicleNotFoundAndEntitlementNotDetermined()
    {
        var license = await TestData.CreateLicenseAsync(Server);

        var response = await CheckAsync(new CheckRoadsideRequest
        {
            LicenseQrPayload = await TestData.IssueAsync(Server, license.LicenseNumber),
            Plate = TestData.NewPlate(),
            DeviceId = "handheld-roadside",
        });

        Assert.False(response.MayDrive);
        Assert.Equal(Verdict.Valid, response.LicenseCheck.Verdict);
        Assert.Equal(VehicleVerdict.NotFound, response.VehicleCheck.Verdict);
        Assert.Equal(EntitlementReason.NotDetermined, response.Entitlement.Reason);
    }

    [Fact]
    public async Task CheckRoadside_SuspendedLicence_NotValidYetEntitlementStillJudged()
    {
        var license = await TestData.CreateLicenseAsync(Server, LicenseStatus.Suspended);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);

        var response = await CheckAsync(await RequestAsync(license, vehicle));

        Assert.False(response.MayDrive);
        Assert.Equal(Verdict.LicenseNotValid, response.LicenseCheck.Verdict);
        Assert.Contains(NotValidReason.Status, response.LicenseCheck.NotValidReasons);
        Assert.Equal(EntitlementReason.Entitled, response.Entitlement.Reason);
        Assert.Contains("licence", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRoadside_ByPlateAndByVin_FindTheVehicle()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);

        var byPlate = await CheckAsync(new CheckRoadsideRequest
        {
            LicenseQrPayload = await TestData.IssueAsync(Server, license.LicenseNumber), Plate = vehicle.Plate, DeviceId = "handheld-roadside",
        });
        var byVin = await CheckAsync(new CheckRoadsideRequest
        {
            LicenseQrPayload = await TestData.IssueAsync(Server, license.LicenseNumber), Vin = vehicle.Vin, DeviceId = "handheld-roadside",
        });

        Assert.True(byPlate.MayDrive, byPlate.Message);
        Assert.True(byVin.MayDrive, byVin.Message);
        Assert.Null(byPlate.VehicleCheck.Mark);
        Assert.Equal(vehicle.Vin, byVin.VehicleCheck.Vehicle.Vin);
    }

    [Fact]
    public async Task CheckRoadside_ForgedMark_VehicleNotEstablished()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        using var foreign = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var response = await CheckAsync(new CheckRoadsideRequest
        {
            LicenseQrPayload = await TestData.IssueAsync(Server, license.LicenseNumber),
            MarkQrPayload = RoadsideData.Mint(vehicle, foreign, [9, 9, 9, 9, 9, 9, 9, 9], DateTimeOffset.UtcNow),
            DeviceId = "handheld-roadside",
        });

        Assert.False(response.MayDrive);
        Assert.Equal(VehicleVerdict.UnknownKey, response.VehicleCheck.Verdict);
        Assert.Equal(EntitlementReason.NotDetermined, response.Entitlement.Reason);
    }

    [Fact]
    public async Task CheckRoadside_ReplayedLicence_IsReplayedAsVerifyCredentialWouldSay()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var request = await RequestAsync(license, vehicle, "handheld-first");
        await CheckAsync(request);

        var replayed = await CheckAsync(new CheckRoadsideRequest(request) { DeviceId = "handheld-second" });

        Assert.Equal(Verdict.Replayed, replayed.LicenseCheck.Verdict);
        Assert.False(replayed.MayDrive);
        Assert.Equal(EntitlementReason.NotDetermined, replayed.Entitlement.Reason);
    }

    [Fact]
    public async Task CheckRoadside_Transfer_PartsShapedExactlyAsTheirOwnCalls()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var transfer = new VerificationService.VerificationServiceClient(Server.As(TestCallers.Transfer));
        var alone = await transfer.VerifyCredentialAsync(new VerifyCredentialRequest
        {
            QrPayload = await TestData.IssueAsync(Server, license.LicenseNumber), DeviceId = "transfer-desk",
        }, cancellationToken: Ct);

        var response = await CheckAsync(await RequestAsync(license, vehicle, "transfer-desk"), TestCallers.Transfer);

        Assert.True(response.MayDrive, response.Message);
        Assert.Equal(alone.WithheldFields, response.LicenseCheck.WithheldFields);
        Assert.Equal(alone.MaskedFields, response.LicenseCheck.MaskedFields);
        Assert.Equal(alone.License, response.LicenseCheck.License);
        Assert.Contains("license.holder_name", response.LicenseCheck.WithheldFields.Paths);
        Assert.Equal("", response.LicenseCheck.License.HolderName);
        Assert.Null(response.LicenseCheck.Violations);
        Assert.Equal(["vehicle.owner_name"], response.VehicleCheck.MaskedFields.Paths);
        Assert.NotEqual(vehicle.OwnerName, response.VehicleCheck.Vehicle.OwnerName);
        Assert.Equal("C1", response.Entitlement.LicenseClass);
    }

    [Fact]
    public async Task CheckRoadside_OneAuditRecord_NamesTheDriverAndTheVehicle()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var log = Server.GetService<IAuditLog>();
        var subjects = Server.GetService<AuditSubjects>();

        await CheckAsync(await RequestAsync(license, vehicle, "handheld-audited"));

        var byLicence = (await log.ListBySubjectAsync(subjects.License(license.LicenseNumber), null, 10, Ct))
            .Where(e => e.Record.Method == "CheckRoadside").ToList();
        var byPlate = (await log.ListBySubjectAsync(subjects.Plate(vehicle.Plate), null, 10, Ct))
            .Where(e => e.Record.Method == "CheckRoadside").ToList();
        var record = Assert.Single(byLicence);
        Assert.Equal(record.Sequence, Assert.Single(byPlate).Sequence);
        Assert.Equal(("handheld-audited", "Valid/Valid/Entitled"), (record.Record.DeviceId, record.Record.Result));
        Assert.DoesNotContain(license.LicenseNumber, record.Record.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRoadside_MissingEverything_ReportsEveryFieldAtOnce()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CheckAsync(new CheckRoadsideRequest()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(new HashSet<string> { "license_qr_payload", "vehicle", "device_id" }, fields);
    }
}
