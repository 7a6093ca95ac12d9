using System.Diagnostics;
using System.Text.RegularExpressions;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// The change feed under two concurrent writers, one holding its transaction open across the other's
/// commit (a trigger the test adds makes the first writer's transaction wait on an advisory lock the test
/// holds): replica C, which has no Redis and learns of changes only through the feed, sees both, and no
/// replica keeps a stale copy. A feed read as "sequence above the last seen" would skip the late commit.
/// </summary>
public sealed partial class PostgresConcurrentWritersTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const long HoldLock = 15_015;

    /// <summary>Where the first writer's transaction waits: right after its licence row is written, or at its commit (deferred).</summary>
    [Theory]
    [InlineData("row")]
    [InlineData("commit")]
    public async Task UpdateLicenseStatus_FirstWriterOpenAcrossSecondsCommit_FeedOnlyReplicaSeesBoth(string holdAt)
    {
        // Budgets far above the hold, so that the held write is not cut and retried.
        string[] budget = ["--Resilience:RegistryTimeout=00:00:10", "--Resilience:RegistryTotalTimeout=00:00:20"];
        await using var set = await PostgresReplicas.StartAsync("writers", new PostgresReplicaSettings { ExtraArgs = budget, Cluster = fixture.Cluster });
        await using var c = await set.StartReplicaAsync(redisConfiguration: "", budget);
        var first = await TestData.CreateLicenseAsync(set.A);
        var second = await TestData.CreateLicenseAsync(set.A);
        var payload = await TestData.IssueAsync(set.A, first.LicenseNumber);
        ServerInstance[] replicas = [set.A, set.B, c];
        foreach (var replica in replicas)
        {
            await CaughtUpAsync(replica, set.Database);
            await GetAsync(replica, first.LicenseNumber);
            await GetAsync(replica, second.LicenseNumber);
        }

        Assert.Equal(DataSource.Memory, (await GetAsync(c, first.LicenseNumber)).Freshness.Source); // C holds the copy the feed must drop
        await ELicense.Testing.PostgresCluster.ExecuteAsync(set.Database, HoldTriggerSql(holdAt, first.LicenseNumber), TestContext.Current.CancellationToken);
        await using var holder = await PostgresProbe.OpenAsync(set.Database, TestContext.Current.CancellationToken);
        await PostgresProbe.ScalarAsync<object>(holder, "SELECT pg_advisory_lock($1)", HoldLock);

        var firstWrite = UpdateStatusAsync(set.A, first.LicenseNumber, LicenseStatus.Revoked, seconds: 15);
        await TestData.EventuallyAsync(async () => await PostgresProbe.ScalarAsync<long>(set.Database,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted", HoldLock) > 0, TimeSpan.FromSeconds(5));
        var secondWrite = UpdateStatusAsync(set.B, second.LicenseNumber, LicenseStatus.Suspended, seconds: 15);
        // Held after its row, the first writer has not reached the change counter: the second commits while it is
        // open. Held at its commit, the first holds the counter's row lock: the second waits on it (a row lock, not
        // the test's advisory one). Either is correct; which one happens is fixed by where the first is held.
        await TestData.EventuallyAsync(async () => secondWrite.IsCompleted || await PostgresProbe.ScalarAsync<long>(set.Database,
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype <> 'advisory'") > 0, TimeSpan.FromSeconds(10));
        var secondCommittedFirst = secondWrite.IsCompleted;
        Assert.Equal(holdAt == "row", secondCommittedFirst);
        if (secondCommittedFirst)
        {
            await secondWrite;
            // C follows the feed past the second write while the first is still open: what a skipping feed gets wrong.
            await TestData.EventuallyAsync(async () => (await GetAsync(c, second.LicenseNumber)).License.Status == LicenseStatus.Suspended, TimeSpan.FromSeconds(3));
            Assert.False(firstWrite.IsCompleted, "The first write was to be held open across the second's commit.");
        }

        await PostgresProbe.ScalarAsync<bool>(holder, "SELECT pg_advisory_unlock($1)", HoldLock);
        var released = Stopwatch.StartNew();
        await firstWrite;
        await secondWrite;
        var seenAfter = await TestData.EventuallyAsync(async () =>
            (await GetAsync(c, first.LicenseNumber)).License.Status == LicenseStatus.Revoked, TimeSpan.FromSeconds(3));
        var verdict = await VerifyAsync(c, payload, "handheld-c");

        TestContext.Current.SendDiagnosticMessage(
            $"Hold at {holdAt}: the second writer {(secondCommittedFirst ? "committed while the first was open" : "waited for the first")}; " +
            $"replica C (feed only) saw the late commit {seenAfter.TotalMilliseconds:0} ms after it was released ({released.ElapsedMilliseconds} ms incl. the write).");
        Assert.Equal(Verdict.LicenseNotValid, verdict.Verdict);
        foreach (var replica in replicas)
        {
            // No replica keeps a stale copy of either licence, in memory or in Redis.
            Assert.Equal(LicenseStatus.Revoked, (await GetAsync(replica, first.LicenseNumber)).License.Status);
            Assert.Equal(LicenseStatus.Suspended, (await GetAsync(replica, second.LicenseNumber)).License.Status);
        }
    }

    /// <summary>
    /// A trigger making the transaction that writes <paramref name="licenseNumber"/>'s row wait for <see cref="HoldLock"/>:
    /// at once (<c>row</c>), or at commit (<c>commit</c>: a deferred constraint trigger, after every statement of the write).
    /// </summary>
    private static string HoldTriggerSql(string holdAt, string licenseNumber)
    {
        Assert.Matches(LicenceNumberShape(), licenseNumber); // spliced into DDL below (a trigger's WHEN takes no parameters)
        var trigger = holdAt == "commit"
            ? "CREATE CONSTRAINT TRIGGER test_hold AFTER INSERT OR UPDATE ON registry.licenses DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            : "CREATE TRIGGER test_hold AFTER INSERT OR UPDATE ON registry.licenses FOR EACH ROW";
        return $"""
            CREATE FUNCTION registry.test_hold() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN PERFORM pg_advisory_xact_lock({HoldLock}); RETURN NULL; END $$;
            {trigger} WHEN (NEW.license_number = '{licenseNumber}') EXECUTE FUNCTION registry.test_hold();
            """;
    }

    [GeneratedRegex("^[0-9]{17}[0-9X]$")]
    private static partial Regex LicenceNumberShape();
}
