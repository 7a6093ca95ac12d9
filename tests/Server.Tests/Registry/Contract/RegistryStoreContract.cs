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
