using ELicense.Server.Registry;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for violations: keyset pages with totals, recording (idempotent by request id).</summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task ListViolations_SeveralPages_NewestFirstWithoutGapsOrDuplicates()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var recorded = new List<Violation>();
        for (var i = 0; i < 23; i++)
        {
            // Groups of three share an occur time, so the row id must break ties; insert out of time order.
            var occur = Start.AddHours(-((i * 7) % 23 / 3));
            recorded.Add((await store.RecordViolationAsync(Violation(PlateA, occur, license: HolderA,
                state: i % 4 == 0 ? ViolationState.Paid : ViolationState.Unprocessed), "", Ct)).Value);
        }

        var expected = recorded
            .OrderByDescending(v => v.OccurTime.ToDateTimeOffset())
            .ThenByDescending(v => v.ViolationId, StringComparer.Ordinal)
            .Select(v => v.ViolationId)
            .ToList();

        foreach (var query in new[] { new ViolationQuery(HolderA, null, false), new ViolationQuery(null, PlateA, false) })
        {
            var seen = new List<string>();
            ViolationCursor? cursor = null;
            var pages = 0;
            do
            {
                var page = await store.ListViolationsAsync(query, cursor, 5, Ct);
                Assert.True(page.Violations.Count is > 0 and <= 5);
                Assert.Equal(17, page.Summary.UnprocessedCount);
                seen.AddRange(page.Violations.Select(v => v.ViolationId));
                cursor = page.Next;
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(5, pages);
            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task ListViolations_ExactMultipleOfPageSize_LastPageHasNoCursor()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        for (var i = 0; i < 6; i++)
        {
            await store.RecordViolationAsync(Violation(PlateA, Start.AddMinutes(-i)), "", Ct);
        }

        var first = await store.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 3, Ct);
        var second = await store.ListViolationsAsync(new ViolationQuery(null, PlateA, false), first.Next, 3, Ct);

        Assert.NotNull(first.Next);
        Assert.Equal(3, second.Violations.Count);
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task ListViolations_UnprocessedOnly_ReturnsOnlyUnprocessedWithFullSummary()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        for (var i = 0; i < 10; i++)
        {
            await store.RecordViolationAsync(Violation(PlateA, Start.AddDays(-i), points: 1, fine: 100,
                state: i % 2 == 0 ? ViolationState.Unprocessed : ViolationState.Processed, license: i % 2 == 0 ? "" : HolderA), "", Ct);
        }

        var page = await store.ListViolationsAsync(new ViolationQuery(null, PlateA, true), null, 20, Ct);
        var unknown = await store.ListViolationsAsync(new ViolationQuery(HolderB, null, false), null, 20, Ct);

        Assert.Equal(5, page.Violations.Count);
        Assert.All(page.Violations, v => Assert.Equal(ViolationState.Unprocessed, v.State));
        Assert.Null(page.Next);
        Assert.Equal(new ViolationSummary { UnprocessedCount = 5, UnprocessedPoints = 5, UnprocessedFineYuan = 500 }, page.Summary);
        Assert.Empty(unknown.Violations);
        Assert.Equal(new ViolationSummary(), unknown.Summary);
    }

    [Fact]
    public async Task RecordViolation_SameRequestId_ReturnsFirstViolationAndNoChanges()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();

        var first = await store.RecordViolationAsync(Violation(PlateA, Start), "req-1", Ct);
        var again = await store.RecordViolationAsync(Violation(PlateA, Start.AddHours(1), points: 6), "req-1", Ct);
        var other = await store.RecordViolationAsync(Violation(PlateA, Start), "req-2", Ct);
        var anonymous1 = await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct);
        var anonymous2 = await store.RecordViolationAsync(Violation(PlateA, Start), "", Ct);

        Assert.Equal(first.Value, again.Value);
        Assert.Empty(again.Changes);
        Assert.NotEmpty(first.Changes);
        Assert.NotEqual(first.Value.ViolationId, other.Value.ViolationId);
        Assert.NotEqual(anonymous1.Value.ViolationId, anonymous2.Value.ViolationId);
        var page = await store.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 10, Ct);
        Assert.Equal(4, page.Violations.Count);
    }

    [Fact]
    public async Task RecordViolation_LicenceNotInRegistry_ThrowsLicenseNotFoundAndStoresNothing()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var before = await store.GetLatestChangeSequenceAsync(Ct);

        var error = await Assert.ThrowsAsync<RegistryRuleException>(
            () => store.RecordViolationAsync(Violation(PlateA, Start, license: HolderA), "req-ghost", Ct));

        Assert.Equal(RegistryRuleReasons.LicenseNotFound, error.Reason);
        Assert.DoesNotContain(HolderA, error.Message, StringComparison.Ordinal); // masked, never the full number
        Assert.Equal(before, await store.GetLatestChangeSequenceAsync(Ct));
        Assert.Empty((await store.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 10, Ct)).Violations);
        // The request id was not consumed: once the licence exists, the same request records the violation.
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var recorded = await store.RecordViolationAsync(Violation(PlateA, Start, license: HolderA), "req-ghost", Ct);
        Assert.Equal(HolderA, recorded.Value.LicenseNumber);
    }

    [Fact]
    public async Task RecordViolation_WithVehicleAndLicence_EmitsPlateVinAndLicenceChanges()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var before = await store.GetLatestChangeSequenceAsync(Ct);

        var attributed = await store.RecordViolationAsync(Violation(PlateA, Start, license: HolderA), "", Ct);
        var noVehicle = await store.RecordViolationAsync(Violation(PlateB, Start), "", Ct);

        Assert.Equal(
            [(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateA)), (ChangeKind.VehicleVin, VinA), (ChangeKind.License, HolderA)],
            attributed.Changes.Select(c => (c.Kind, c.Key)));
        Assert.Equal([(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateB))], noVehicle.Changes.Select(c => (c.Kind, c.Key)));
        AssertIncreasingAbove(before, [.. attributed.Changes, .. noVehicle.Changes]);
        Assert.Equal([.. attributed.Changes, .. noVehicle.Changes], await store.GetChangesAsync(before, 100, Ct));
        Assert.Matches("^V[0-9]{10}$", attributed.Value.ViolationId);
        Assert.Equal(ViolationState.Unprocessed, attributed.Value.State);
    }
}
