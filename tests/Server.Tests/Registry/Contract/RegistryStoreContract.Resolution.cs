using ELicense.Server.Registry;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for resolving violations: the Core rules run by the store inside its write, and their refusals.</summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task ResolveViolation_Unprocessed_AttributesAndAddsPoints()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA, points: 2), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        var recorded = await store.RecordViolationAsync(Violation(PlateA, Start, points: 3, fine: 200), "", Ct);
        engine.Time.Advance(TimeSpan.FromHours(1));

        var result = await store.ResolveViolationAsync(recorded.Value.ViolationId, ViolationState.Processed, HolderA, Ct);

        Assert.NotNull(result);
        Assert.Equal(ViolationState.Processed, result.Value.Violation.State);
        Assert.Equal(HolderA, result.Value.Violation.LicenseNumber);
        Assert.Equal(5, result.Value.License.Points);
        Assert.Equal(LicenseStatus.Normal, result.Value.License.Status);
        Assert.Equal(NowTimestamp(engine), result.Value.License.UpdateTime);
        Assert.Equal([(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateA)), (ChangeKind.VehicleVin, VinA), (ChangeKind.License, HolderA)],
            result.Changes.Select(c => (c.Kind, c.Key)));
        var plate = await store.GetVehicleByPlateAsync(PlateA, Ct);
        Assert.Equal(0, plate!.Violations.UnprocessedCount);
        Assert.Equal(5, (await store.GetLicenseAsync(HolderA, Ct))!.License.Points);
    }

    [Fact]
    public async Task ResolveViolation_ReachingTwelvePoints_SetsPointsExceeded()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA, points: 9), Ct);
        var recorded = await store.RecordViolationAsync(Violation(PlateA, Start, points: 3, license: HolderA), "", Ct);

        var result = await store.ResolveViolationAsync(recorded.Value.ViolationId, ViolationState.Paid, "", Ct);

        Assert.Equal(12, result!.Value.License.Points);
        Assert.Equal(LicenseStatus.PointsExceeded, result.Value.License.Status);
        Assert.Equal(ViolationState.Paid, result.Value.Violation.State);
    }

    [Fact]
    public async Task ResolveViolation_AbnormalLicenceOverTwelve_KeepsStatus()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var license = License(HolderA, points: 11);
        license.Status = LicenseStatus.Suspended;
        await store.UpsertLicenseAsync(license, Ct);
        var recorded = await store.RecordViolationAsync(Violation(PlateA, Start, points: 6), "", Ct);

        var result = await store.ResolveViolationAsync(recorded.Value.ViolationId, ViolationState.Processed, HolderA, Ct);

        Assert.Equal(17, result!.Value.License.Points);
        Assert.Equal(LicenseStatus.Suspended, result.Value.License.Status);
    }

    [Fact]
    public async Task ResolveViolation_ProcessedThenPaid_DoesNotAddPointsTwice()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var id = (await store.RecordViolationAsync(Violation(PlateA, Start, points: 6), "", Ct)).Value.ViolationId;

        await store.ResolveViolationAsync(id, ViolationState.Processed, HolderA, Ct);
        var paid = await store.ResolveViolationAsync(id, ViolationState.Paid, "", Ct);

        Assert.Equal(ViolationState.Paid, paid!.Value.Violation.State);
        Assert.Equal(6, paid.Value.License.Points);
    }

    [Theory]
    [InlineData(ViolationState.Processed, ViolationState.Processed)]
    [InlineData(ViolationState.Paid, ViolationState.Paid)]
    [InlineData(ViolationState.Paid, ViolationState.Processed)]
    public async Task ResolveViolation_AlreadyResolved_ThrowsRuleException(ViolationState first, ViolationState second)
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var id = (await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct)).Value.ViolationId;
        await store.ResolveViolationAsync(id, first, HolderA, Ct);

        var error = await Assert.ThrowsAsync<RegistryRuleException>(() => store.ResolveViolationAsync(id, second, HolderA, Ct));

        Assert.Equal("VIOLATION_ALREADY_RESOLVED", error.Reason);
        Assert.Equal(3, (await store.GetLicenseAsync(HolderA, Ct))!.License.Points);
    }

    [Fact]
    public async Task ResolveViolation_NoLicenceAnywhere_ThrowsLicenseRequired()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var id = (await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct)).Value.ViolationId;

        var error = await Assert.ThrowsAsync<RegistryRuleException>(() => store.ResolveViolationAsync(id, ViolationState.Processed, "", Ct));

        Assert.Equal("LICENSE_REQUIRED", error.Reason);
    }

    [Fact]
    public async Task ResolveViolation_UnknownLicence_ThrowsLicenseNotFoundWithMaskedNumber()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var id = (await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct)).Value.ViolationId;

        var error = await Assert.ThrowsAsync<RegistryRuleException>(() => store.ResolveViolationAsync(id, ViolationState.Processed, HolderB, Ct));

        Assert.Equal("LICENSE_NOT_FOUND", error.Reason);
        Assert.DoesNotContain(HolderB, error.Message, StringComparison.Ordinal);
        Assert.Contains("310104********", error.Message, StringComparison.Ordinal);
        var unchanged = await store.ListViolationsAsync(new ViolationQuery(null, PlateA, true), null, 5, Ct);
        Assert.Single(unchanged.Violations);
    }

    [Fact]
    public async Task ResolveViolation_GivenLicenceOverridesRecorded_ReportsBothLicences()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.UpsertLicenseAsync(License(HolderB), Ct);
        var id = (await store.RecordViolationAsync(Violation(PlateA, Start, points: 3, license: HolderA), "", Ct)).Value.ViolationId;

        var result = await store.ResolveViolationAsync(id, ViolationState.Processed, HolderB, Ct);

        Assert.Equal(HolderB, result!.Value.Violation.LicenseNumber);
        Assert.Equal(3, result.Value.License.Points);
        Assert.Equal(0, (await store.GetLicenseAsync(HolderA, Ct))!.License.Points);
        Assert.Equal([(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateA)), (ChangeKind.License, HolderB), (ChangeKind.License, HolderA)],
            result.Changes.Select(c => (c.Kind, c.Key)));
    }

    [Theory]
    [InlineData("V0000099999")]
    [InlineData("V1")]
    [InlineData("not-an-id")]
    [InlineData("")]
    public async Task ResolveViolation_UnknownId_ReturnsNull(string id)
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct);

        Assert.Null(await store.ResolveViolationAsync(id, ViolationState.Processed, HolderA, Ct));
    }
}
