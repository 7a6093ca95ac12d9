using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>
/// Identity numbers never reach a log line. This test drives the paths that log (errors, unknown
/// records, bad input, a dead Redis) and scans; LogScanAtEnd scans everything once all tests ran.
/// </summary>
public sealed class LogPrivacyTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-logs-").FullName;
    private ServerInstance _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        // A Redis address where nothing listens: every Redis path fails and logs.
        _server = await ServerInstance.StartAsync(_directory, $"127.0.0.1:{RedisServer.FreePort()}");

    [Fact]
    public async Task EveryLoggingPath_LogsNoIdentityNumber()
    {
        var license = await TestData.CreateLicenseAsync(_server);
        var unknown = TestData.NewLicenseNumber();
        var payload = await TestData.IssueAsync(_server, license.LicenseNumber);
        await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-1" }, cancellationToken: Ct);
        await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-2" }, cancellationToken: Ct);
        await _server.Registry.UpdateLicenseStatusAsync(new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, cancellationToken: Ct);
        await Assert.ThrowsAsync<RpcException>(async () => await _server.Verification.GetLicenseAsync(
            new GetLicenseRequest { LicenseNumber = unknown, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));
        await Assert.ThrowsAsync<RpcException>(async () => await _server.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = unknown, Status = LicenseStatus.Suspended }, cancellationToken: Ct));
        await Assert.ThrowsAsync<RpcException>(async () => await _server.Registry.ResolveViolationAsync(
            new ResolveViolationRequest { ViolationId = "V0000000001", State = ViolationState.Processed, LicenseNumber = unknown }, cancellationToken: Ct));
        await Assert.ThrowsAsync<RpcException>(async () => await _server.Verification.GetLicenseAsync(
            new GetLicenseRequest { LicenseNumber = WrongCheckCharacter(license.LicenseNumber), Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));

        Assert.NotEmpty(LogCapture.Instance.Lines); // the scan must have something to scan
        var found = LogCapture.Instance.FindIdentityNumbers();
        Assert.True(found.Count == 0, string.Join("\n", found.Take(3)));
    }

    [Fact]
    public void FindIdentityNumbers_PlantedNumber_IsFound()
    {
        var capture = new LogCapture();
        capture.CreateLogger("probe").Log(Microsoft.Extensions.Logging.LogLevel.Warning, default, "looked up 11010519491231002X", null, (s, _) => s);

        Assert.Single(capture.FindIdentityNumbers());
    }

    private static string WrongCheckCharacter(string number) => number[..17] + (number[17] == '0' ? '1' : '0');

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
