using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>CheckTransferEligibility with the seller's inspection mark as the pointer to the vehicle.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class TransferByMarkTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerInstance Server => env.ServerA;

    private Task<CheckTransferEligibilityResponse> CheckAsync(string mark) =>
        new VerificationService.VerificationServiceClient(Server.As(TestCallers.Transfer))
            .CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { MarkQrPayload = mark }, cancellationToken: Ct).ResponseAsync;

    [Fact]
    public async Task CheckTransferEligibility_GenuineMark_JudgesTheVehicleItNames()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);

        var response = await CheckAsync(await RoadsideData.IssueMarkAsync(Server, vehicle));

        Assert.True(response.Eligible, string.Join("; ", response.Blocks.Select(b => b.Message)));
        Assert.Equal(vehicle.Vin, response.Vehicle.Vin);
        Assert.Equal(vehicle.Plate, response.Mark.Mark.Plate);
        Assert.Equal(["vehicle.owner_name"], response.MaskedFields.Paths);
    }

    [Fact]
    public async Task CheckTransferEligibility_ExpiredMark_StillPointsToTheVehicle()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var lapsed = vehicle.Clone();
        lapsed.InspectionValidUntilDate = Core.Dates.ToProtoDate(RoadsideData.ChinaToday.AddDays(-2));

        var response = await CheckAsync(RoadsideData.MintWithServerKey(Server, lapsed, DateTimeOffset.UtcNow.AddDays(-400)));

        Assert.True(response.Eligible, string.Join("; ", response.Blocks.Select(b => b.Message)));
        Assert.NotNull(response.Mark);
    }

    [Fact]
    public async Task CheckTransferEligibility_ForgedMark_BlocksAsNotGenuine()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var kid = Convert.FromHexString(Server.GetService<ELicense.Server.Credentials.KeyRing>().SigningKey.KeyIdHex);
        using var foreign = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var response = await CheckAsync(RoadsideData.Mint(vehicle, foreign, kid, DateTimeOffset.UtcNow));

        Assert.False(response.Eligible);
        Assert.Equal(TransferBlockReason.MarkNotGenuine, Assert.Single(response.Blocks).Reason);
        Assert.Null(response.Vehicle);
        Assert.Null(response.Mark);
    }

    [Fact]
    public async Task CheckTransferEligibility_MarkOfAnotherVehicleUnderThePlate_BlocksAsNotGenuine()
    {
        var vehicle = await RoadsideData.CreateVehicleAsync(Server);
        var mark = await RoadsideData.IssueMarkAsync(Server, vehicle);
        vehicle.Vin = TestData.NewVin(); // the plate re-issued to another vehicle
        await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);

        var response = await CheckAsync(mark);

        Assert.False(response.Eligible);
        Assert.Equal(TransferBlockReason.MarkNotGenuine, Assert.Single(response.Blocks).Reason);
        Assert.Null(response.Vehicle);
        Assert.NotNull(response.Mark);
    }
}
