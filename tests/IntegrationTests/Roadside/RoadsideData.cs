using System.Security.Cryptography;
using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.Server.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Options;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>Vehicles that can get a mark, marks issued through the registry API, and marks minted by hand.</summary>
internal static class RoadsideData
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Today in China, as the server judges validity.</summary>
    public static DateOnly ChinaToday => Dates.ChinaToday(DateTimeOffset.UtcNow);

    /// <summary>
    /// A registered vehicle whose inspection runs a year from today: within the mark lifetime (TestData's default
    /// of 2030 runs beyond it, and no mark would be signed).
    /// </summary>
    public static async Task<Vehicle> CreateVehicleAsync(ServerInstance server, string vehicleType = "K33", PlateType plateType = PlateType.Small,
        params VehicleStatus[] statuses)
    {
        var plate = TestData.NewPlate();
        plate.Type = plateType;
        var vehicle = TestData.NewVehicle(plate);
        vehicle.VehicleType = vehicleType;
        vehicle.InspectionValidUntilDate = ChinaToday.AddDays(365).ToProtoDate();
        vehicle.Statuses.AddRange(statuses);
        return (await server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct)).Vehicle;
    }

    public static async Task<string> IssueMarkAsync(ServerInstance server, Vehicle vehicle) =>
        (await server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Plate = vehicle.Plate }, cancellationToken: Ct)).QrPayload;

    /// <summary>A mark for <paramref name="vehicle"/> signed by <paramref name="key"/> under <paramref name="keyId"/>, as issued at <paramref name="issuedAt"/>.</summary>
    public static string Mint(Vehicle vehicle, ECDsa key, byte[] keyId, DateTimeOffset issuedAt, string issuer = "ELicense")
    {
        var claims = InspectionMarks.ClaimsFor(vehicle, issuer, issuedAt)!;
        return CredentialEncoder.Sign(claims.Encode(), key, keyId, CredentialPolicy.MarkPrefix);
    }

    /// <summary>A mark signed with the server's own signing key (for marks the registry API would not issue, e.g. already expired).</summary>
    public static string MintWithServerKey(ServerInstance server, Vehicle vehicle, DateTimeOffset issuedAt)
    {
        var key = server.GetService<KeyRing>().SigningKey;
        return Mint(vehicle, key.Signer, key.KeyId, issuedAt, server.GetService<IOptions<CredentialOptions>>().Value.Issuer);
    }

    public static Task<VerifyInspectionMarkResponse> VerifyMarkAsync(VerificationService.VerificationServiceClient client, string payload,
        string device = "handheld-mark") =>
        client.VerifyInspectionMarkAsync(new VerifyInspectionMarkRequest { QrPayload = payload, DeviceId = device }, cancellationToken: Ct).ResponseAsync;
}
