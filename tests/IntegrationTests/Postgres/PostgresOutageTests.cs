using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// PostgreSQL stops under a replica whose audit trail is its own SQLite file (so that what is seen is the
/// registry's outage alone): cached answers are served marked stale with their age, uncached ones are
/// STATUS_UNAVAILABLE (verify) or UNAVAILABLE with RetryInfo (lookups, writes), and once PostgreSQL is back
/// the replica recovers by itself.
/// </summary>
public sealed class PostgresOutageTests
{
    private static readonly TimeSpan MemoryTtl = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task GetLicenseAndVerify_PostgresStopped_StaleWithAgeOrUnavailableThenRecovers()
    {
        // Short cache lifetimes, so that a cached copy is past its freshness budget (and gone from Redis) soon after the stop.
        await using var set = await PostgresReplicas.StartAsync("outage", new PostgresReplicaSettings
        {
            Replicas = 1,
            AuditOnPostgres = false,
            ExtraArgs = [.. ShortRegistryBudget, $"--Cache:MemoryTtl={MemoryTtl}", $"--Cache:RedisTtl={MemoryTtl}"],
        });
        var a = set.A;
        var cached = await TestData.CreateLicenseAsync(a);
        var uncached = await TestData.CreateLicenseAsync(a);
        string[] payloads = [await TestData.IssueAsync(a, cached.LicenseNumber), await TestData.IssueAsync(a, cached.LicenseNumber)];
        var uncachedPayload = Mint(set.DirectoryA, uncached);
        await CaughtUpAsync(a, set.Database);
        var before = await GetAsync(a, cached.LicenseNumber);

        await set.StopPostgresAsync();
        GetLicenseResponse stale = null!;
        var staleAfter = await TestData.EventuallyAsync(async () => (stale = await GetAsync(a, cached.LicenseNumber)).Freshness.Stale, TimeSpan.FromSeconds(5));
        var verifyCached = await VerifyAsync(a, payloads[0], "handheld-outage");
        var verifyUncached = await VerifyAsync(a, uncachedPayload, "handheld-outage");
        var lookupFailedAfter = await UnavailableAsync(() => GetAsync(a, uncached.LicenseNumber));
        var writeFailedAfter = await UnavailableAsync(() => UpdateStatusAsync(a, cached.LicenseNumber, LicenseStatus.Revoked));

        await set.StartPostgresAgainAsync();
        var (recoveredAfter, refusedWhileRecovering) = await EventuallyDespiteRefusalsAsync(async () =>
            (await GetAsync(a, uncached.LicenseNumber)).License.LicenseNumber == uncached.LicenseNumber, TimeSpan.FromSeconds(15));
        await UpdateStatusAsync(a, cached.LicenseNumber, LicenseStatus.Revoked);
        var afterRecovery = await VerifyAsync(a, payloads[1], "handheld-outage");
        var fresh = await GetAsync(a, cached.LicenseNumber);

        TestContext.Current.SendDiagnosticMessage(
            $"PostgreSQL stopped: stale answer after {staleAfter.TotalMilliseconds:0} ms (age {stale.Freshness.Age.ToTimeSpan().TotalMilliseconds:0} ms); " +
            $"uncached lookup UNAVAILABLE in {lookupFailedAfter.TotalMilliseconds:0} ms, write in {writeFailedAfter.TotalMilliseconds:0} ms; " +
            $"recovered {recoveredAfter.TotalMilliseconds:0} ms after PostgreSQL was back ({refusedWhileRecovering} calls refused meanwhile).");
        Assert.False(before.Freshness.Stale);
        Assert.Equal(DataSource.Memory, stale.Freshness.Source);
        Assert.Equal(cached.LicenseNumber, stale.License.LicenseNumber);
        Assert.True(stale.Freshness.Age.ToTimeSpan() >= MemoryTtl, $"A stale copy's age ({stale.Freshness.Age}) is at least the memory TTL.");
        Assert.Equal(Verdict.Valid, verifyCached.Verdict);
        Assert.True(verifyCached.Freshness.Stale, "A verdict from a cached copy past its budget says it is stale.");
        Assert.True(verifyCached.Freshness.Age.ToTimeSpan() >= MemoryTtl);
        Assert.Contains("stale", verifyCached.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Verdict.StatusUnavailable, verifyUncached.Verdict);
        Assert.Null(verifyUncached.License);
        Assert.True(lookupFailedAfter < TimeSpan.FromSeconds(4), $"The lookup took {lookupFailedAfter} to fail.");
        Assert.True(writeFailedAfter < TimeSpan.FromSeconds(4), $"The write took {writeFailedAfter} to fail.");
        Assert.Equal(Verdict.LicenseNotValid, afterRecovery.Verdict);
        Assert.False(fresh.Freshness.Stale);
        Assert.Equal(LicenseStatus.Revoked, fresh.License.Status);
    }

    [Fact]
    public async Task UpdateLicenseStatus_PostgresCrashedAndRestarted_WriteLandsAndFeedOnlyReplicaSeesIt()
    {
        // No Redis: replica B learns of A's write only through the change feed, whose connection the crash broke.
        await using var set = await PostgresReplicas.StartAsync("restart", new PostgresReplicaSettings
        {
            Redis = false,
            AuditOnPostgres = false,
            ExtraArgs = ShortRegistryBudget,
        });
        var license = await TestData.CreateLicenseAsync(set.A);
        await CaughtUpAsync(set.B, set.Database);
        var warm = await GetAsync(set.B, license.LicenseNumber);
        var cached = await GetAsync(set.B, license.LicenseNumber);

        await set.StopPostgresAsync("immediate"); // as a crash: every pooled connection is broken without a goodbye
        await set.StartPostgresAgainAsync();
        // The first calls after a restart may meet pooled connections the crash broke: UNAVAILABLE with RetryInfo, never a hang.
        var (writtenAfter, writesRefused) = await EventuallyDespiteRefusalsAsync(async () =>
        {
            await UpdateStatusAsync(set.A, license.LicenseNumber, LicenseStatus.Suspended);
            return true;
        }, TimeSpan.FromSeconds(15));
        var (seenAfter, readsRefused) = await EventuallyDespiteRefusalsAsync(async () =>
            (await GetAsync(set.B, license.LicenseNumber)).License.Status == LicenseStatus.Suspended, TimeSpan.FromSeconds(5));

        TestContext.Current.SendDiagnosticMessage(
            $"PostgreSQL crashed and restarted: the write landed {writtenAfter.TotalMilliseconds:0} ms after it was back ({writesRefused} refused before), " +
            $"replica B saw it {seenAfter.TotalMilliseconds:0} ms later ({readsRefused} reads refused before).");
        Assert.True(warm.ValidNow);
        Assert.Equal(DataSource.Memory, cached.Freshness.Source);
        Assert.False((await GetAsync(set.B, license.LicenseNumber)).ValidNow);
    }
}
