using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests;

[Collection(SharedEnvironmentCollection.Name)]
public class RegistryAndQueryTests(SharedEnvironment env)
{
    private ServerInstance Server => env.ServerA;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetLicense_BadCheckCharacter_IsInvalidArgumentNamingTheField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = "110105194912310021", Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var status = TestData.RichStatus(error);
        Assert.Equal("license_number", Assert.Single(status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        Assert.Equal("INVALID_ARGUMENT", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.DoesNotContain("   at ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLicense_UnknownLicence_IsNotFoundWithMaskedName()
    {
        var number = TestData.NewLicenseNumber();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = number, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        var status = TestData.RichStatus(error);
        Assert.Equal("LICENSE_NOT_FOUND", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.DoesNotContain(number, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertLicense_ManyBadFields_ReportsEveryViolation()
    {
        var license = TestData.NewLicense();
        license.LicenseNumber = "12345";
        license.LicenseClass = "Z9";
        license.Status = LicenseStatus.Unspecified;
        license.HolderName = "";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = license }, cancellationToken: Ct));

        var fields = TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "license.license_number", "license.license_class", "license.status", "license.holder_name" }, fields);
    }

    [Fact]
    public async Task UpsertLicense_ThenGetLicense_RoundTripsEveryField()
    {
        var license = TestData.NewLicense();
        license.ValidUntilDate = null; // long-term

        var stored = (await Server.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = license }, cancellationToken: Ct)).License;
        var read = await Server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);

        Assert.NotNull(stored.UpdateTime);
        license.UpdateTime = stored.UpdateTime;
        Assert.Equal(license, read.License);
        Assert.True(read.ValidNow);
        Assert.Equal(DataSource.Registry, read.Freshness.Source);
    }

    [Fact]
    public async Task RecordViolation_UnknownLicence_IsNotFoundAndRecordsNothing()
    {
        var number = TestData.NewLicenseNumber();
        var vehicle = (await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Server.Registry.RecordViolationAsync(new RecordViolationRequest
        {
            Violation = new Violation
            {
                OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
                Place = "北京市东城区建国门内大街",
                Code = "1625",
                Points = 6,
                FineYuan = 200,
                Plate = vehicle.Plate,
                LicenseNumber = number,
                Source = ViolationSource.Camera,
            },
        }, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("LICENSE_NOT_FOUND", TestData.RichStatus(error).GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.DoesNotContain(number, error.Status.Detail, StringComparison.Ordinal);
        var listed = await Server.Verification.ListViolationsAsync(new ListViolationsRequest { Plate = vehicle.Plate, Purpose = LookupPurpose.RoadsideCheck },
            cancellationToken: Ct);
        Assert.Empty(listed.Violations);
    }

    [Fact]
    public async Task ViolationLifecycle_RecordListResolve_UpdatesEverySummary()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var vehicle = (await Server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;
        var eligibleBefore = await Server.Verification.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        var recorded = new List<Violation>();
        for (var i = 0; i < 3; i++)
        {
            recorded.Add((await Server.Registry.RecordViolationAsync(new RecordViolationRequest
            {
                RequestId = $"cam-{vehicle.Vin}-{i}",
                Violation = new Violation
                {
                    OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-10 + i)),
                    Place = "北京市东城区建国门内大街",
                    Code = "1625",
                    Description = "驾驶机动车违反道路交通信号灯通行",
                    Points = 6,
                    FineYuan = 200,
                    Plate = vehicle.Plate,
                    LicenseNumber = license.LicenseNumber,
                    Source = ViolationSource.Camera,
                },
            }, cancellationToken: Ct)).Violation);
        }

        // Retrying with the same idempotency key records nothing new.
        var retried = await Server.Registry.RecordViolationAsync(new RecordViolationRequest
        {
            RequestId = $"cam-{vehicle.Vin}-0",
            Violation = new Violation
            {
                OccurTime = recorded[0].OccurTime, Place = "x", Code = "1625", Points = 6, FineYuan = 200, Plate = vehicle.Plate,
            },
        }, cancellationToken: Ct);
        Assert.Equal(recorded[0].ViolationId, retried.Violation.ViolationId);

        var firstPage = await Server.Verification.ListViolationsAsync(new ListViolationsRequest { Plate = vehicle.Plate, PageSize = 2, UnprocessedOnly = true }, cancellationToken: Ct);
        var secondPage = await Server.Verification.ListViolationsAsync(new ListViolationsRequest
        {
            Plate = vehicle.Plate, PageSize = 2, UnprocessedOnly = true, PageToken = firstPage.NextPageToken,
        }, cancellationToken: Ct);
        Assert.Equal(2, firstPage.Violations.Count);
        Assert.Single(secondPage.Violations);
        Assert.Equal("", secondPage.NextPageToken);
        Assert.Equal(recorded.Select(v => v.ViolationId).Reverse(), firstPage.Violations.Concat(secondPage.Violations).Select(v => v.ViolationId));
        Assert.Equal(3, firstPage.Summary.UnprocessedCount);

        var check = await Server.Verification.CheckVehicleAsync(new CheckVehicleRequest { Plate = vehicle.Plate }, cancellationToken: Ct);
        Assert.Equal(3, check.Violations.UnprocessedCount);
        Assert.True(check.InspectionValid);
        var transfer = await Server.Verification.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        Assert.True(eligibleBefore.Eligible);
        Assert.False(transfer.Eligible);
        Assert.Contains(transfer.Blocks, b => b.Reason == TransferBlockReason.UnprocessedViolations);

        var resolved = await Server.Registry.ResolveViolationAsync(new ResolveViolationRequest
        {
            ViolationId = recorded[0].ViolationId, State = ViolationState.Processed,
        }, cancellationToken: Ct);
        Assert.Equal(license.Points + 6, resolved.License.Points);
        var afterResolve = await Server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        Assert.Equal(license.Points + 6, afterResolve.License.Points);
        Assert.Equal(2, afterResolve.Violations.UnprocessedCount);

        var again = await Assert.ThrowsAsync<RpcException>(async () => await Server.Registry.ResolveViolationAsync(new ResolveViolationRequest
        {
            ViolationId = recorded[0].ViolationId, State = ViolationState.Processed,
        }, cancellationToken: Ct));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task ListViolations_PageTokenFromAnotherQuery_IsInvalidArgument()
    {
        var license = await TestData.CreateLicenseAsync(Server);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Server.Verification.ListViolationsAsync(new ListViolationsRequest
        {
            LicenseNumber = license.LicenseNumber, PageToken = "bm90LWEtdG9rZW4", Purpose = LookupPurpose.RoadsideCheck,
        }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task CheckVehicle_NoSubject_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Verification.CheckVehicleAsync(new CheckVehicleRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task CheckVehicle_BadVinCheckDigit_IsInvalidArgument()
    {
        var vin = TestData.NewVin();
        var wrong = string.Concat(vin.AsSpan(0, 8), vin[8] == '0' ? "1" : "0", vin.AsSpan(9));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Verification.CheckVehicleAsync(new CheckVehicleRequest { Vin = wrong }, cancellationToken: Ct));

        Assert.Equal("vin", Assert.Single(TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task IssueCredential_LifetimeAboveMaximum_IsInvalidArgument()
    {
        var license = await TestData.CreateLicenseAsync(Server);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Server.Registry.IssueCredentialAsync(new IssueCredentialRequest
        {
            LicenseNumber = license.LicenseNumber, Lifetime = Duration.FromTimeSpan(TimeSpan.FromDays(1)),
        }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("registry")]
    [InlineData("redis")]
    public async Task HealthCheck_EveryComponentUp_IsServing(string service)
    {
        var health = new Health.HealthClient(Server.Channel);

        await TestData.EventuallyAsync(async () =>
            (await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Ct)).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerReflection_ListServices_IncludesBothServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(Server.As(TestCallers.Officer));
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("elicense.v1.VerificationService", names);
        Assert.Contains("elicense.v1.RegistryService", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("elicense.v1.HolderService", names);
    }
}
