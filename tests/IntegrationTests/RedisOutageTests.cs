using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>Redis dies mid-test: answers stay correct, degraded answers say so, nothing stalls.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("elicense-redis-outage-").FullName;
    private RedisServer _redis = null!;
    private ServerInstance _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A generous deadline: a call stuck behind a dead Redis would fail it instead of hanging the test.
    private static CallOptions Call => new(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _server = await ServerInstance.StartAsync(_dataDirectory, _redis.Configuration);
    }

    [Fact]
    public async Task VerifyCredential_RedisStoppedMidTest_AnswersStayCorrect()
    {
        var license = await TestData.CreateLicenseAsync(_server);
        var before = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest
        {
            QrPayload = await TestData.IssueAsync(_server, license.LicenseNumber),
            DeviceId = "handheld-1",
        }, Call);
        Assert.Equal(Verdict.Valid, before.Verdict);
        Assert.Equal(ReplayCheck.Shared, before.ReplayCheck);

        await _redis.StopAsync();

        // Still valid, but the replay check is flagged local-only.
        var payload = await TestData.IssueAsync(_server, license.LicenseNumber);
        var during = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-1" }, Call);
        Assert.Equal(Verdict.Valid, during.Verdict);
        Assert.Equal(ReplayCheck.LocalOnly, during.ReplayCheck);

        // Replays are still caught on this replica.
        var replay = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-2" }, Call);
        Assert.Equal(Verdict.Replayed, replay.Verdict);

        // Writes still land and are seen: a revocation is not hidden by the dead cache.
        await _server.Registry.UpdateLicenseStatusAsync(new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, Call);
        var revoked = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest
        {
            QrPayload = await TestData.IssueAsync(_server, license.LicenseNumber),
            DeviceId = "handheld-1",
        }, Call);
        Assert.Equal(Verdict.LicenseNotValid, revoked.Verdict);

        // A licence created during the outage is read from the registry.
        var created = await TestData.CreateLicenseAsync(_server);
        var lookup = await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = created.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, Call);
        Assert.Equal(created.LicenseNumber, lookup.License.LicenseNumber);

        // A credential first scanned during the outage...
        var scannedDuringOutage = await TestData.IssueAsync(_server, created.LicenseNumber);
        var outageScan = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = scannedDuringOutage, DeviceId = "handheld-1" }, Call);
        Assert.Equal(ReplayCheck.LocalOnly, outageScan.ReplayCheck);

        // Redis comes back (empty): replay checks go through Redis again, but not as authoritative — it
        // lost its claims and this replica answered without it — for one credential lifetime and the skew.
        await _redis.RestartAsync();
        await TestData.EventuallyAsync(async () =>
        {
            var after = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest
            {
                QrPayload = await TestData.IssueAsync(_server, created.LicenseNumber),
                DeviceId = "handheld-1",
            }, Call);
            return after.ReplayCheck == ReplayCheck.SharedIncomplete && after.Verdict == Verdict.Valid;
        }, TimeSpan.FromSeconds(20));

        // ...is not new again now that Redis has forgotten it.
        var replayAfterOutage = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = scannedDuringOutage, DeviceId = "handheld-2" }, Call);
        Assert.Equal(Verdict.Replayed, replayAfterOutage.Verdict);
    }

    [Fact]
    public async Task VerifyCredential_RedisFrozen_AnswersWithoutStalling()
    {
        var license = await TestData.CreateLicenseAsync(_server);
        var payloads = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            payloads.Add(await TestData.IssueAsync(_server, license.LicenseNumber));
        }

        await _redis.FreezeAsync();
        try
        {
            // Each call has 5 s; StackExchange.Redis alone would wait its 5 s timeout on every command.
            // The 100 ms Redis budget and then the open breaker keep every answer well inside.
            var started = System.Diagnostics.Stopwatch.StartNew();
            foreach (var payload in payloads)
            {
                var response = await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-1" }, Call);
                Assert.Equal(Verdict.Valid, response.Verdict);
                Assert.Equal(ReplayCheck.LocalOnly, response.ReplayCheck);
            }

            var lookup = await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, Call);
            Assert.Equal(license.LicenseNumber, lookup.License.LicenseNumber);
            TestContext.Current.SendDiagnosticMessage($"12 verifications and a lookup against a frozen Redis took {started.ElapsedMilliseconds} ms in all.");
        }
        finally
        {
            await _redis.ThawAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
