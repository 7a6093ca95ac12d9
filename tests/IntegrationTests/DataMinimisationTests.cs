using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests;

/// <summary>What each role sees, field by field, through real calls.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class DataMinimisationTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyCredential_AsTransferSystem_SeesVerdictButNotThePerson()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));

        var response = await transfer.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "transfer-office-1" }, cancellationToken: Ct);

        Assert.Equal(Verdict.Valid, response.Verdict);
        Assert.Equal(license.LicenseClass, response.License.LicenseClass);
        Assert.Equal(license.Status, response.License.Status);
        Assert.Equal(license.ValidUntilDate, response.License.ValidUntilDate);
        Assert.Equal("", response.License.HolderName);
        Assert.Equal("", response.License.FileNumber);
        Assert.Equal("", response.License.IssuingAuthority);
        Assert.Equal(0, response.License.Points);
        Assert.Equal(license.LicenseNumber[..6] + "********" + license.LicenseNumber[14..], response.License.LicenseNumber);
        Assert.Null(response.Violations);
        Assert.Equal("", response.Credential.Snapshot.HolderName);
        Assert.DoesNotContain(license.LicenseNumber, response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyCredentials_StreamAsTransferSystem_SeesVerdictButNotThePerson()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));
        using var call = transfer.VerifyCredentials(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new VerifyCredentialsRequest { QrPayload = payload, DeviceId = "transfer-gate", RequestId = "1" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        var response = call.ResponseStream.Current;

        Assert.Equal(Verdict.Valid, response.Verdict);
        Assert.Equal("", response.License.HolderName);
        Assert.Null(response.Violations);
        Assert.Equal("", response.Credential.Snapshot.HolderName);
        Assert.DoesNotContain(license.LicenseNumber, response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyCredential_AsOfficer_SeesEverything()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);

        var response = await env.ServerA.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-1" }, cancellationToken: Ct);

        Assert.Equal(license.HolderName, response.License.HolderName);
        Assert.Equal(license.LicenseNumber, response.License.LicenseNumber);
        Assert.Equal(license.Points, response.License.Points);
        Assert.NotNull(response.Violations);
        Assert.Equal(license.HolderName, response.Credential.Snapshot.HolderName);
    }

    [Fact]
    public async Task CheckTransferEligibility_AsTransferSystem_OwnerNameMasked()
    {
        var vehicle = (await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));

        var eligibility = await transfer.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        var check = await transfer.CheckVehicleAsync(new CheckVehicleRequest { Plate = vehicle.Plate }, cancellationToken: Ct);
        var asOfficer = await env.ServerA.Verification.CheckVehicleAsync(new CheckVehicleRequest { Plate = vehicle.Plate }, cancellationToken: Ct);

        Assert.Equal("测*", eligibility.Vehicle.OwnerName[..2]);
        Assert.DoesNotContain(vehicle.OwnerName, eligibility.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(vehicle.OwnerName, check.ToString(), StringComparison.Ordinal);
        Assert.Equal(vehicle.Vin, check.Vehicle.Vin);
        Assert.Equal(vehicle.OwnerName, asOfficer.Vehicle.OwnerName);
    }

    [Fact]
    public async Task GetLicense_WithoutPurpose_IsInvalidArgumentNamingPurpose()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await env.ServerA.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("purpose", Assert.Single(TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task ListViolations_ByLicenceWithoutPurpose_IsInvalidArgument()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await env.ServerA.Verification.ListViolationsAsync(new ListViolationsRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task IssueCredential_HolderForAnotherLicence_IsPermissionDenied()
    {
        var other = await TestData.CreateLicenseAsync(env.ServerA);
        var holder = new RegistryService.RegistryServiceClient(env.ServerA.As(TestCallers.Holder));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await holder.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = other.LicenseNumber }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("NOT_OWN_LICENSE", TestData.RichStatus(error).GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task IssueCredential_HolderForOwnLicence_Verifies()
    {
        var own = TestData.NewLicense();
        own.LicenseNumber = TestCallers.HolderLicenseNumber;
        await env.ServerA.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = own }, cancellationToken: Ct);
        var holder = new RegistryService.RegistryServiceClient(env.ServerA.As(TestCallers.Holder));

        var issued = await holder.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = own.LicenseNumber }, cancellationToken: Ct);
        var verdict = await env.ServerA.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = issued.QrPayload, DeviceId = "handheld-h" }, cancellationToken: Ct);

        Assert.Equal(Verdict.Valid, verdict.Verdict);
    }
}
