
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>The audit trail through real calls: recorded, hashed, chained, and shown to the holder, on whichever engine the derived class starts.</summary>
public abstract class AuditTrailCases : IAsyncLifetime
{
    private ServerInstance _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the one server of a test, on a trail (and registry) of its own.</summary>
    protected abstract Task<ServerInstance> StartServerAsync();

    /// <summary>The arguments of <c>audit verify</c> on this test's trail.</summary>
    protected abstract string[] VerifyArguments { get; }

    /// <summary>Once the server is gone: let go of anything still holding the trail open.</summary>
    protected virtual void CloseConnections()
    {
    }

    /// <summary>Whether the stored trail (every byte of it, after the server stopped) holds <paramref name="text"/> in clear.</summary>
    protected abstract Task<bool> TrailHoldsAsync(string text);

    public async ValueTask InitializeAsync() => _server = await StartServerAsync();

    private async Task<License> CreateHolderLicenceAsync()
    {
        var own = TestData.NewLicense();
        own.LicenseNumber = TestCallers.HolderLicenseNumber;
        return (await _server.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = own }, cancellationToken: Ct)).License;
    }

    [Fact]
    public async Task ListLicenseChecks_AfterScanAndLookup_HolderSeesWhoCheckedAndWhy()
    {
        var license = await CreateHolderLicenceAsync();
        var other = await TestData.CreateLicenseAsync(_server);
        var holderRegistry = new RegistryService.RegistryServiceClient(_server.As(TestCallers.Holder));
        var payload = (await holderRegistry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct)).QrPayload;
        await _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-77" }, cancellationToken: Ct);
        await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.ViolationHandling }, cancellationToken: Ct);
        await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = other.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        var holder = new HolderService.HolderServiceClient(_server.As(TestCallers.Holder));

        var checks = await holder.ListLicenseChecksAsync(new ListLicenseChecksRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct);

        Assert.Equal(3, checks.Checks.Count); // newest first; the other licence's lookup is not here
        Assert.Equal("IssueCredential", checks.Checks[2].Method); // issuing hands out the snapshot: audited
        Assert.Equal(TestCallers.Holder.Id, checks.Checks[2].CallerId);
        Assert.Equal("GetLicense", checks.Checks[0].Method);
        Assert.Equal(LookupPurpose.ViolationHandling, checks.Checks[0].Purpose);
        Assert.Equal(TestCallers.Officer.Id, checks.Checks[0].CallerId);
        Assert.Equal("VerifyCredential", checks.Checks[1].Method);
        Assert.Equal("handheld-77", checks.Checks[1].DeviceId);
        Assert.Equal(nameof(Verdict.Valid), checks.Checks[1].Result);
    }

    [Fact]
    public async Task ListLicenseChecks_AnotherLicence_IsPermissionDenied()
    {
        var other = await TestData.CreateLicenseAsync(_server);
        var holder = new HolderService.HolderServiceClient(_server.As(TestCallers.Holder));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await holder.ListLicenseChecksAsync(new ListLicenseChecksRequest { LicenseNumber = other.LicenseNumber }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ListLicenseChecks_Paged_EveryCheckOnce()
    {
        var license = await CreateHolderLicenceAsync();
        for (var i = 0; i < 6; i++) // with the licence's creation by the registry (not audited): 6 lookups
        {
            await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        }

        var holder = new HolderService.HolderServiceClient(_server.As(TestCallers.Holder));
        var seen = 0;
        var token = "";
        do
        {
            var page = await holder.ListLicenseChecksAsync(new ListLicenseChecksRequest { LicenseNumber = license.LicenseNumber, PageSize = 3, PageToken = token }, cancellationToken: Ct);
            Assert.True(page.Checks.Count <= 3);
            seen += page.Checks.Count;
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(6, seen);
    }

    [Theory]
    [InlineData("bm90LWEtdG9rZW4")] // "not-a-token": base64url, but no token
    [InlineData("CAA")]             // a well-formed token naming sequence 0, which the trail never issues
    public async Task ListLicenseChecks_TokenNotIssued_IsInvalidArgumentOnPageToken(string token)
    {
        var license = await CreateHolderLicenceAsync();
        var holder = new HolderService.HolderServiceClient(_server.As(TestCallers.Holder));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await holder.ListLicenseChecksAsync(
            new ListLicenseChecksRequest { LicenseNumber = license.LicenseNumber, PageToken = token }, cancellationToken: Ct));

        // Refused, never read as the first page.
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_token", Assert.Single(TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task AuditFile_AfterLookupsAndRefusals_HoldsNoClearIdentifierAndChainVerifies()
    {
        var license = await TestData.CreateLicenseAsync(_server);
        var unknown = TestData.NewLicenseNumber();
        await _server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        await Assert.ThrowsAsync<RpcException>(async () => await _server.Verification.GetLicenseAsync(
            new GetLicenseRequest { LicenseNumber = unknown, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));
        await _server.DisposeAsync(); // drains and closes the log
        _server = null!;
        CloseConnections();

        var holdsLicence = await TrailHoldsAsync(license.LicenseNumber);
        var holdsUnknown = await TrailHoldsAsync(unknown);
        var output = new StringWriter();
        var exit = await ELicense.Server.Auditing.AuditCommand.RunAsync(VerifyArguments,
            new ConfigurationBuilder().AddCommandLine(VerifyArguments[1..]).Build(), ELicense.Server.Auditing.Engines.AuditEngine.OpenReadOnlyTrail, output, Ct);

        Assert.False(holdsLicence);
        Assert.False(holdsUnknown);
        Assert.Equal(0, exit);
        Assert.StartsWith("OK: 2 records", output.ToString(), StringComparison.Ordinal); // the lookup and the refused one
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
