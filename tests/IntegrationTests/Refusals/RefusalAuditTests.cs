
using System.Net;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Xunit;
using AuditSubjects = ELicense.Server.Auditing.AuditSubjects;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests.Refusals;

/// <summary>Every refusal leaves a record: no key, a wrong key, a role that may not call, the rate limit.</summary>
public sealed class RefusalAuditTests(RefusalServer fixture) : IClassFixture<RefusalServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GetLicenseRequest Lookup(string number) => new() { LicenseNumber = number, Purpose = LookupPurpose.RoadsideCheck };

    private string AnonymousLoopback => fixture.Server.GetService<AuditSubjects>().Anonymous(IPAddress.Loopback);

    [Fact]
    public async Task GetLicense_WithoutKey_FloodFromOnePeerIsOneAnonymousRecordWithPeerHashAndCount()
    {
        var anonymous = new VerificationService.VerificationServiceClient(fixture.Server.Channel);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            RefusalServer.StatusOfAsync(() => anonymous.GetLicenseAsync(Lookup(TestData.NewLicenseNumber()), cancellationToken: Ct).ResponseAsync)));
        var records = await fixture.FlushAsync();

        Assert.All(statuses, s => Assert.Equal(StatusCode.Unauthenticated, s));
        var record = Assert.Single(records, r => r.Method == "GetLicense");
        Assert.Matches("^anonymous:[0-9a-f]{32}$", record.CallerId);
        Assert.Equal(AnonymousLoopback, record.CallerId); // the keyed hash of the peer's address, never the address
        Assert.Equal((nameof(StatusCode.Unauthenticated), 12, ""), (record.Result, record.Count, record.Subject));
    }

    [Fact]
    public async Task CheckVehicle_WithUnknownKey_LeavesAnonymousUnauthenticatedRecord()
    {
        var stranger = new VerificationService.VerificationServiceClient(fixture.Server.As(new TestCaller("nobody", "not-a-configured-key-000", "officer")));

        var status = await RefusalServer.StatusOfAsync(() =>
            stranger.CheckVehicleAsync(new CheckVehicleRequest { Vin = TestData.NewVin() }, cancellationToken: Ct).ResponseAsync);
        var records = await fixture.FlushAsync();

        Assert.Equal(StatusCode.Unauthenticated, status);
        var record = Assert.Single(records, r => r.Method == "CheckVehicle");
        Assert.Equal((AnonymousLoopback, nameof(StatusCode.Unauthenticated), 1), (record.CallerId, record.Result, record.Count));
    }

    [Fact]
    public async Task GetLicense_RoleNotPermitted_LeavesPermissionDeniedRecordOfTheCaller()
    {
        var transfer = new VerificationService.VerificationServiceClient(fixture.Server.As(TestCallers.Transfer)); // may verify, may not look up

        var status = await RefusalServer.StatusOfAsync(() => transfer.GetLicenseAsync(Lookup(TestData.NewLicenseNumber()), cancellationToken: Ct).ResponseAsync);
        var records = await fixture.FlushAsync();

        Assert.Equal(StatusCode.PermissionDenied, status);
        var record = Assert.Single(records, r => r.Method == "GetLicense");
        Assert.Equal((TestCallers.Transfer.Id, nameof(StatusCode.PermissionDenied), 1), (record.CallerId, record.Result, record.Count));
    }

    [Fact]
    public async Task GetLicense_FloodOverRateLimit_OneRecordWithCountOnTheLicenceHolderSeesItAndTrailVerifies()
    {
        var own = TestData.NewLicense();
        own.LicenseNumber = TestCallers.HolderLicenseNumber;
        await fixture.Server.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = own }, cancellationToken: Ct);
        var slow = new VerificationService.VerificationServiceClient(fixture.Server.As(TestCallers.SlowOfficer)); // 5 per second

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            RefusalServer.StatusOfAsync(() => slow.GetLicenseAsync(Lookup(own.LicenseNumber), cancellationToken: Ct).ResponseAsync)));
        var records = await fixture.FlushAsync();
        var holder = new HolderService.HolderServiceClient(fixture.Server.As(TestCallers.Holder));
        var checks = await holder.ListLicenseChecksAsync(new ListLicenseChecksRequest { LicenseNumber = own.LicenseNumber }, cancellationToken: Ct);

        var limited = statuses.Count(s => s == StatusCode.ResourceExhausted);
        Assert.Equal(40, limited + statuses.Count(s => s == StatusCode.OK));
        Assert.InRange(limited, 1, 35); // a 5/s caller: its burst of 5 and the refills while the flood lasts get through
        var record = Assert.Single(records, r => r.CallerId == TestCallers.SlowOfficer.Id);
        Assert.Equal(("GetLicense", nameof(StatusCode.ResourceExhausted), limited), (record.Method, record.Result, record.Count));
        Assert.Equal(fixture.Server.GetService<AuditSubjects>().License(own.LicenseNumber), record.Subject);
        var refused = Assert.Single(checks.Checks, c => c.Result == nameof(StatusCode.ResourceExhausted));
        Assert.Equal((TestCallers.SlowOfficer.Id, "GetLicense", (uint)limited), (refused.CallerId, refused.Method, refused.Attempts));
        Assert.Equal(40 - limited, checks.Checks.Count(c => c.Result == "OK" && c.Attempts == 1)); // the lookups that got through

        var output = new StringWriter();
        var exit = await ELicense.Server.Auditing.AuditCommand.RunAsync(["verify", $"--Audit:Path={fixture.AuditPath}"],
            new ConfigurationBuilder().Build(), ELicense.Server.Auditing.Engines.AuditEngine.OpenReadOnlyTrail, output, Ct);
        Assert.True(exit == 0, output.ToString());
    }
}
