using ELicense.Server.Registry;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>
/// The store contract: what every engine behind <see cref="IRegistryStore"/> must do, written against the
/// interface only. An engine's test class derives from this and says how to make a fresh, empty database
/// (<see cref="CreateEngine"/>); SQLite's is <c>Registry/Sqlite/SqliteRegistryStoreContractTests</c>.
/// Sequence numbers are compared by order, never by value: the contract promises order and no late
/// gap-filling, not consecutive numbers.
/// </summary>
public abstract partial class RegistryStoreContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty database of the engine under test, on a fake clock starting at <see cref="RegistrySamples.Start"/>.</summary>
    protected abstract IRegistryStoreEngine CreateEngine(FakeTimeProvider time);

    private IRegistryStoreEngine CreateEngine() => CreateEngine(new FakeTimeProvider(Start));

    private static Timestamp NowTimestamp(IRegistryStoreEngine engine) => Timestamp.FromDateTimeOffset(engine.Time.GetUtcNow());

    [Fact]
    public async Task UpsertLicense_ThenGet_RoundTripsAllFields()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var dated = License(HolderA, points: 4);
        var longTerm = License(HolderB, longTerm: true);
        longTerm.Status = LicenseStatus.Suspended;

        var written = await store.UpsertLicenseAsync(dated, Ct);
        await store.UpsertLicenseAsync(longTerm, Ct);

        var expected = dated.Clone();
        expected.UpdateTime = NowTimestamp(engine);
        Assert.Equal(expected, written.Value);
        var read = await store.GetLicenseAsync(HolderA, Ct);
        Assert.NotNull(read);
        Assert.Equal(expected, read.License);
        Assert.Equal(new ViolationSummary(), read.Violations);

        var readLongTerm = (await store.GetLicenseAsync(HolderB, Ct))!.License;
        Assert.Null(readLongTerm.ValidUntilDate);
        Assert.Equal(LicenseStatus.Suspended, readLongTerm.Status);
        Assert.Equal(longTerm.FirstIssueDate, readLongTerm.FirstIssueDate);
    }

    [Fact]
    public async Task UpsertLicense_Existing_ReplacesAndUpdatesTime()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var first = await store.UpsertLicenseAsync(License(HolderA), Ct);
        engine.Time.Advance(TimeSpan.FromMinutes(5));
        var changed = License(HolderA, longTerm: true);
        changed.HolderName = "测试乙";

        var result = await store.UpsertLicenseAsync(changed, Ct);

        var read = (await store.GetLicenseAsync(HolderA, Ct))!.License;
        Assert.Equal("测试乙", read.HolderName);
        Assert.Null(read.ValidUntilDate);
        Assert.Equal(NowTimestamp(engine), read.UpdateTime);
        var change = Assert.Single(result.Changes);
        Assert.Equal((ChangeKind.License, HolderA), (change.Kind, change.Key));
        Assert.True(change.Sequence > Assert.Single(first.Changes).Sequence);
    }

    [Fact]
    public async Task GetLicenseAndVehicle_Unknown_ReturnNull()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();

        Assert.Null(await store.GetLicenseAsync(HolderA, Ct));
        Assert.Null(await store.GetVehicleByPlateAsync(PlateA, Ct));
        Assert.Null(await store.GetVehicleByVinAsync(VinA, Ct));
    }

    [Fact]
    public async Task UpsertVehicle_ThenGetByPlateAndVin_RoundTripsStatusesAndDates()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var vehicle = Vehicle(PlateB, VinA, VehicleStatus.Seized, VehicleStatus.Mortgaged, VehicleStatus.Seized);

        var written = await store.UpsertVehicleAsync(vehicle, Ct);

        var expected = vehicle.Clone();
        expected.Statuses.Clear();
        expected.Statuses.Add([VehicleStatus.Seized, VehicleStatus.Mortgaged]);
        expected.UpdateTime = NowTimestamp(engine);
        Assert.Equal(expected, written.Value);
        Assert.Equal(expected, (await store.GetVehicleByPlateAsync(PlateB, Ct))!.Vehicle);
        Assert.Equal(expected, (await store.GetVehicleByVinAsync(VinA, Ct))!.Vehicle);
        Assert.Null(await store.GetVehicleByPlateAsync(new Plate { Type = PlateType.Small, Number = PlateB.Number }, Ct));
    }

    [Fact]
    public async Task UpsertVehicle_Normal_ReadsBackWithoutStatusesOrOnlyNormal()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateB, VinB, VehicleStatus.Normal), Ct);

        Assert.Empty((await store.GetVehicleByPlateAsync(PlateA, Ct))!.Vehicle.Statuses);
        Assert.Equal([VehicleStatus.Normal], (await store.GetVehicleByPlateAsync(PlateB, Ct))!.Vehicle.Statuses);
    }

    [Fact]
    public async Task UpsertVehicle_VinMovesToNewPlate_RemovesOldPlateAndReportsBoth()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateB, VinB), Ct);

        // VinA is re-registered under PlateB, whose vehicle had VinB.
        var result = await store.UpsertVehicleAsync(Vehicle(PlateB, VinA), Ct);

        Assert.Null(await store.GetVehicleByPlateAsync(PlateA, Ct));
        Assert.Null(await store.GetVehicleByVinAsync(VinB, Ct));
        Assert.Equal(PlateB, (await store.GetVehicleByVinAsync(VinA, Ct))!.Vehicle.Plate);
        Assert.Equal(
            [(ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateB)), (ChangeKind.VehicleVin, VinA),
             (ChangeKind.VehiclePlate, RegistryKeys.Plate(PlateA)), (ChangeKind.VehicleVin, VinB)],
            result.Changes.Select(c => (c.Kind, c.Key)));
    }

    [Fact]
    public async Task GetLicenseAndVehicle_WithViolations_SummarizeOnlyUnprocessed()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        var t = Start;
        await store.RecordViolationAsync(Violation(PlateA, t, points: 3, fine: 200, license: HolderA), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 6, fine: 200, license: HolderA), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 1, fine: 50, license: HolderA, state: ViolationState.Paid), "", Ct);
        await store.RecordViolationAsync(Violation(PlateA, t, points: 0, fine: 200), "", Ct); // camera, unattributed
        await store.RecordViolationAsync(Violation(PlateB, t, points: 3, fine: 100, license: HolderA), "", Ct); // another plate

        var license = await store.GetLicenseAsync(HolderA, Ct);
        var byPlate = await store.GetVehicleByPlateAsync(PlateA, Ct);
        var byVin = await store.GetVehicleByVinAsync(VinA, Ct);

        Assert.Equal(new ViolationSummary { UnprocessedCount = 3, UnprocessedPoints = 12, UnprocessedFineYuan = 500 }, license!.Violations);
        var plateSummary = new ViolationSummary { UnprocessedCount = 3, UnprocessedPoints = 9, UnprocessedFineYuan = 600 };
        Assert.Equal(plateSummary, byPlate!.Violations);
        Assert.Equal(plateSummary, byVin!.Violations);
    }

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

    [Fact]
    public async Task UpdateLicenseStatus_KnownAndUnknown_UpdatesOrReturnsNull()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var upserted = await store.UpsertLicenseAsync(License(HolderA), Ct);

        var updated = await store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, Ct);
        var missing = await store.UpdateLicenseStatusAsync(HolderB, LicenseStatus.Revoked, Ct);

        Assert.Equal(LicenseStatus.Revoked, updated!.Value.Status);
        var change = Assert.Single(updated.Changes);
        Assert.Equal((ChangeKind.License, HolderA), (change.Kind, change.Key));
        AssertIncreasingAbove(0, [.. upserted.Changes, change]);
        Assert.Null(missing);
        Assert.Equal(LicenseStatus.Revoked, (await store.GetLicenseAsync(HolderA, Ct))!.License.Status);
        Assert.Equal(change.Sequence, await store.GetLatestChangeSequenceAsync(Ct)); // the miss appended nothing
    }

    [Fact]
    public async Task GetChanges_AfterSequence_ReturnsOldestFirstUpToLimit()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        Assert.Equal(0, await store.GetLatestChangeSequenceAsync(Ct));
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertLicenseAsync(License(HolderB), Ct);

        var all = await store.GetChangesAsync(0, 100, Ct);

        Assert.Equal(
            [(ChangeKind.License, HolderA), (ChangeKind.VehiclePlate, "02:京A12345"), (ChangeKind.VehicleVin, VinA), (ChangeKind.License, HolderB)],
            all.Select(c => (c.Kind, c.Key)));
        AssertIncreasingAbove(0, all);
        Assert.Equal([all[2]], await store.GetChangesAsync(all[1].Sequence, 1, Ct));
        Assert.Equal([all[2], all[3]], await store.GetChangesAsync(all[1].Sequence, 10, Ct));
        Assert.Equal(all[3].Sequence, await store.GetLatestChangeSequenceAsync(Ct));
        Assert.Empty(await store.GetChangesAsync(all[3].Sequence, 10, Ct));
        Assert.Empty(await store.GetChangesAsync(0, 0, Ct));
    }

    [Fact]
    public async Task TwoStoresOnOneDatabase_ConcurrentWrites_AllCommitAndAreVisibleToBoth()
    {
        await using var engine = CreateEngine();
        var first = await engine.OpenStoreAsync();
        var second = await engine.OpenStoreAsync();

        var writes = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second)
            .RecordViolationAsync(Violation(PlateA, Start.AddSeconds(i)), $"req-{i}", Ct));
        var results = await Task.WhenAll(writes.Select(w => Task.Run(() => w, Ct)));

        Assert.Equal(40, results.Select(r => r.Value.ViolationId).Distinct().Count());
        Assert.Equal(40, (await first.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 100, Ct)).Violations.Count);
        Assert.Equal(40, (await second.ListViolationsAsync(new ViolationQuery(null, PlateA, true), null, 100, Ct)).Summary.UnprocessedCount);
        var feed = await first.GetChangesAsync(0, 1000, Ct);
        AssertIncreasingAbove(0, feed);
        Assert.Equal(results.SelectMany(r => r.Changes).OrderBy(c => c.Sequence), feed);
    }

    [Fact]
    public async Task InitializeAsync_CalledTwice_IsIdempotentAndKeepsData()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        await store.UpsertLicenseAsync(License(HolderA), Ct);

        await store.InitializeAsync(Ct);
        await store.PingAsync(Ct);

        Assert.NotNull(await store.GetLicenseAsync(HolderA, Ct));
    }
}
