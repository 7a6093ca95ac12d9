using ELicense.Server.Registry;
using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for reading the change feed: order, paging, what a commit makes visible, changes before an instant.</summary>
public abstract partial class RegistryStoreContract
{
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
    public async Task Write_Committed_ReportedSequencesAreTheFeedsAndTheLatest()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var other = await engine.OpenStoreAsync();

        var written = await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);

        Assert.Equal(written.Changes, await other.GetChangesAsync(0, 10, Ct));
        Assert.Equal(written.Changes[^1].Sequence, await other.GetLatestChangeSequenceAsync(Ct));
        Assert.Equal(written.Value, (await other.GetVehicleByVinAsync(VinA, Ct))!.Vehicle);
    }

    [Fact]
    public async Task GetLastChangeSequenceBefore_ChangesOverTime_ReturnsLastOneBeforeTheInstant()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var early = await store.UpsertLicenseAsync(License(HolderA), Ct);
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        var later = await store.UpsertLicenseAsync(License(HolderB), Ct);

        Assert.Equal(0, await store.GetLastChangeSequenceBeforeAsync(Start, Ct));
        Assert.Equal(early.Changes[^1].Sequence, await store.GetLastChangeSequenceBeforeAsync(Start.AddSeconds(30), Ct));
        Assert.Equal(early.Changes[^1].Sequence, await store.GetLastChangeSequenceBeforeAsync(Start.AddMinutes(1), Ct));
        Assert.Equal(later.Changes[^1].Sequence, await store.GetLastChangeSequenceBeforeAsync(Start.AddMinutes(2), Ct));
    }

    /// <summary>Sequences above <paramref name="floor"/>, strictly increasing.</summary>
    private static void AssertIncreasingAbove(long floor, IReadOnlyList<RegistryChange> changes)
    {
        foreach (var change in changes)
        {
            Assert.True(change.Sequence > floor, $"sequence {change.Sequence} after {floor}");
            floor = change.Sequence;
        }
    }
}
