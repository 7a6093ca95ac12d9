using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>
/// Vehicle reads fail as an unreachable registry's would (nothing cached): a genuine mark is never VALID on a
/// record that could not be read, and the roadside answer says which part could not be established.
/// </summary>
public sealed class RegistryUnreachableTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-roadside-down-").FullName;
    private readonly RegistryFaults _faults = new();
    private ServerInstance _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _server = await ServerInstance.StartAsync(_directory, redisConfiguration: "", overrides: services => FaultingRegistryStore.Install(services, _faults));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task VerifyAndRoadside_VehicleRecordUnreadable_StatusUnavailableNeverValid()
    {
        var license = await TestData.CreateLicenseAsync(_server);
        var vehicle = await RoadsideData.CreateVehicleAsync(_server);
        // Minted rather than issued: issuing reads the vehicle, and that read would be cached.
        var mark = RoadsideData.MintWithServerKey(_server, vehicle, DateTimeOffset.UtcNow);
        var licensePayload = await TestData.IssueAsync(_server, license.LicenseNumber);
        _faults.VehiclesDown = true;

        var verified = (await RoadsideData.VerifyMarkAsync(_server.Verification, mark)).VehicleCheck;
        var roadside = await _server.Verification.CheckRoadsideAsync(new CheckRoadsideRequest
        {
            LicenseQrPayload = licensePayload, MarkQrPayload = mark, DeviceId = "handheld-down",
        }, cancellationToken: Ct);
        var transfer = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.Verification.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { MarkQrPayload = mark }, cancellationToken: Ct));
        _faults.VehiclesDown = false;
        var recovered = (await RoadsideData.VerifyMarkAsync(_server.Verification, mark)).VehicleCheck;

        Assert.Equal(VehicleVerdict.StatusUnavailable, verified.Verdict);
        Assert.NotNull(verified.Mark); // the mark itself verified
        Assert.Null(verified.Vehicle);
        Assert.Equal(Verdict.Valid, roadside.LicenseCheck.Verdict);
        Assert.Equal(VehicleVerdict.StatusUnavailable, roadside.VehicleCheck.Verdict);
        Assert.False(roadside.MayDrive);
        Assert.Equal(EntitlementReason.NotDetermined, roadside.Entitlement.Reason);
        Assert.Equal(StatusCode.Unavailable, transfer.StatusCode);
        Assert.Equal(VehicleVerdict.Valid, recovered.Verdict);
    }
}
