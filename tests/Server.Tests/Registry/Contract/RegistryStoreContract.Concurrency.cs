using ELicense.Server.Registry;
using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>
/// Two stores on one database writing at once (two server processes): the change feed's ordering
/// guarantee under a follower (see <see cref="IRegistryStore"/>) and the conflicts two writers can get
/// into. These are the properties the caches' invalidation relies on.
/// </summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task GetChanges_FollowedWhileTwoStoresWrite_NeverMissesOrBackfillsAChange()
    {
        await using var engine = CreateEngine();
        var writerA = await engine.OpenStoreAsync();
        var writerB = await engine.OpenStoreAsync();
        var follower = await engine.OpenStoreAsync();
        var reported = new List<RegistryChange>();

        var a = Task.Run(async () =>
        {
            var mine = new List<RegistryChange>();
            for (var i = 0; i < 25; i++)
            {
                mine.AddRange(i % 3 == 0
                    ? (await writerA.UpsertLicenseAsync(License(HolderA, points: i % 12), Ct)).Changes
                    : (await writerA.RecordViolationAsync(Violation(PlateA, Start.AddMinutes(i)), $"a-{i}", Ct)).Changes);
            }

            return mine;
        }, Ct);
        var b = Task.Run(async () =>
        {
            var mine = new List<RegistryChange>();
            for (var i = 0; i < 25; i++)
            {
                mine.AddRange(i % 2 == 0
                    ? (await writerB.UpsertVehicleAsync(Vehicle(PlateB, i % 4 == 0 ? VinA : VinB), Ct)).Changes
                    : (await writerB.UpsertLicenseAsync(License(HolderB, points: i % 12), Ct)).Changes);
            }

            return mine;
        }, Ct);

        // Follow the feed as a replica does: read on from the last sequence seen, in small pages, until
        // both writers are done — bounded, so that a writer stuck on a lock fails the test, not the run.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var seen = new List<RegistryChange>();
        long last = 0;
        while (true)
        {
            Assert.False(bound.IsCancellationRequested, $"the writers did not finish within a minute (A {a.Status}, B {b.Status})");
            var done = a.IsCompleted && b.IsCompleted;
            var latest = await follower.GetLatestChangeSequenceAsync(Ct);
            var page = await follower.GetChangesAsync(last, 7, Ct);
            AssertIncreasingAbove(last, page);
            if (page.Count < 7 && latest > last)
            {
                // Everything up to the latest sequence read before the page is readable: the page got past it.
                Assert.True(page.Count > 0 && page[^1].Sequence >= latest, $"latest {latest} but the feed ended at {(page.Count > 0 ? page[^1].Sequence : last)}");
            }

            seen.AddRange(page);
            last = page.Count > 0 ? page[^1].Sequence : last;
            if (done && page.Count == 0)
            {
                break;
            }

            await Task.Yield();
        }

        reported.AddRange(await a);
        reported.AddRange(await b);
        // Whatever the follower saw is the whole feed, in order: no change surfaced behind its position.
        Assert.Equal(await follower.GetChangesAsync(0, 10_000, Ct), seen);
        Assert.Equal(reported.OrderBy(c => c.Sequence), seen);
    }

    [Fact]
    public async Task ResolveViolation_TwoStoresResolveTheSameViolation_OneWinsAndPointsAddOnce()
    {
        await using var engine = CreateEngine();
        var first = await engine.OpenStoreAsync();
        var second = await engine.OpenStoreAsync();
        await first.UpsertLicenseAsync(License(HolderA, points: 2), Ct);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add((await first.RecordViolationAsync(Violation(PlateA, Start.AddMinutes(i), points: 1), "", Ct)).Value.ViolationId);
        }

        // Each violation is resolved by both stores at once: exactly one of the two may process it.
        var attempts = ids.SelectMany(id => new[] { first, second }.Select(store => Task.Run(async () =>
        {
            try
            {
                return await store.ResolveViolationAsync(id, ViolationState.Processed, HolderA, Ct) is null ? "missing" : "processed";
            }
            catch (RegistryRuleException e)
            {
                return e.Reason;
            }
        }, Ct))).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(8, outcomes.Count(o => o == "processed"));
        Assert.Equal(8, outcomes.Count(o => o == RegistryRuleReasons.ViolationAlreadyResolved));
        var license = (await second.GetLicenseAsync(HolderA, Ct))!;
        Assert.Equal(10, license.License.Points);
        Assert.Equal(0, license.Violations.UnprocessedCount);
    }

    [Fact]
    public async Task RecordViolation_SameRequestIdFromTwoStoresAtOnce_RecordsOnce()
    {
        await using var engine = CreateEngine();
        var first = await engine.OpenStoreAsync();
        var second = await engine.OpenStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).RecordViolationAsync(Violation(PlateA, Start), "req-shared", Ct), Ct)));

        Assert.Single(results.Select(r => r.Value.ViolationId).Distinct());
        Assert.Single(results, r => r.Changes.Count > 0);
        Assert.Single((await second.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 10, Ct)).Violations);
    }

    [Fact]
    public async Task TwoStoresOnOneDatabase_ConcurrentWrites_AllCommitAndAreVisibleToBoth()
    {
        await using var engine = CreateEngine();
        var first = await engine.OpenStoreAsync();
        var second = await engine.OpenStoreAsync();

        // Each write starts on the pool: an engine whose calls complete synchronously (SQLite) would
        // otherwise run them one after another on this thread.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .RecordViolationAsync(Violation(PlateA, Start.AddSeconds(i)), $"req-{i}", Ct), Ct)));

        Assert.Equal(40, results.Select(r => r.Value.ViolationId).Distinct().Count());
        Assert.Equal(40, (await first.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 100, Ct)).Violations.Count);
        Assert.Equal(40, (await second.ListViolationsAsync(new ViolationQuery(null, PlateA, true), null, 100, Ct)).Summary.UnprocessedCount);
        var feed = await first.GetChangesAsync(0, 1000, Ct);
        AssertIncreasingAbove(0, feed);
        Assert.Equal(results.SelectMany(r => r.Changes).OrderBy(c => c.Sequence), feed);
    }
}
