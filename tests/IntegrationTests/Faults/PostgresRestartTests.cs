using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.MultiReplica;
using Grpc.Core;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Faults;

/// <summary>
/// PostgreSQL stopped and started again under a mixed load that two replicas take through the inspector's
/// multi-address client. Audit placement decides what an outage may look like, so both are run:
/// <list type="bullet">
/// <item>Audit in each replica's own SQLite file: the registry's outage alone. Cached answers are served
/// marked stale with their age, an uncached verification is STATUS_UNAVAILABLE, a lookup without a copy is
/// UNAVAILABLE with RetryInfo; nothing else.</item>
/// <item>Audit in the registry's PostgreSQL database (the all-PostgreSQL deployment): a call whose audit record
/// cannot be committed is refused (ErrorInterceptor: AUDIT_UNAVAILABLE, with RetryInfo), never answered
/// silently; so no call made wholly while PostgreSQL was down may be answered at all.</item>
/// </list>
/// Both: no wrong answer, every failure UNAVAILABLE with RetryInfo, and answers again by themselves soon after
/// PostgreSQL is back.
/// </summary>
public sealed class PostgresRestartTests
{
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>The generous bound on answering again (fresh, not stale, not refused) after PostgreSQL is back.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    /// <summary>How long calls must keep coming back good before the replicas count as recovered.</summary>
    private static readonly TimeSpan GoodStretch = TimeSpan.FromSeconds(3);

    /// <summary>Authoritative answers of each scan kind the replicas must give once recovered (see <see cref="AnswerJudge.IsAuthoritative"/>).</summary>
    private const int LeastAuthoritative = 5;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MixedLoad_PostgresRestartedAuditOnSqlite_StaleOrUnavailableNeverWrongThenRecovers()
    {
        var run = await RunAsync("faults-pg-sqlite-audit", auditOnPostgres: false);

        // The outage was felt: a stale answer, an honest STATUS_UNAVAILABLE or a refusal while PostgreSQL was down.
        Assert.True(run.Down.CallList.Any(c => c.Degraded || !c.Ok), $"Nothing showed the outage: {run.Down}");
        Assert.All(run.Window.CallList.Where(c => !c.Ok), c => Assert.Equal("REGISTRY_UNAVAILABLE", c.ErrorReason));
    }

    [Fact]
    public async Task MixedLoad_PostgresRestartedAuditOnPostgres_NothingAnsweredUnauditedThenRecovers()
    {
        var run = await RunAsync("faults-pg-pg-audit", auditOnPostgres: true);

        // A call made wholly while PostgreSQL was down could not have its audit record committed.
        var unaudited = run.Down.CallList.Where(c => c.Ok && c.Start >= run.DownFrom && c.End <= run.DownTo).ToList();
        Assert.True(unaudited.Count == 0, $"Answered while the audit trail was down: {string.Join("; ", unaudited.Take(5))}");
        Assert.Contains(run.Down.CallList, c => c.ErrorReason == "AUDIT_UNAVAILABLE");
        Assert.All(run.Window.CallList.Where(c => !c.Ok), c => Assert.True(c.ErrorReason is "AUDIT_UNAVAILABLE" or "REGISTRY_UNAVAILABLE", c.ToString()));
    }

    private sealed record Run(FaultWindowReport Window, FaultWindowReport Down, TimeSpan DownFrom, TimeSpan DownTo);

    private static async Task<Run> RunAsync(string name, bool auditOnPostgres)
    {
        // Short cache lifetimes: a copy is past its freshness budget soon after the stop, so stale answers show.
        await using var set = await PostgresReplicas.StartAsync(name, new PostgresReplicaSettings
        {
            Replicas = 2,
            AuditOnPostgres = auditOnPostgres,
            ExtraArgs = [.. ShortRegistryBudget, "--Auth:RoleRateLimits:officer=100000", "--Cache:MemoryTtl=00:00:00.500", "--Cache:RedisTtl=00:00:00.500"],
        });
        var plan = await MixedLoadPlan.PrepareAsync(set.A.Registry, credentials: 500, cancellationToken: Ct);
        foreach (var replica in set.Replicas)
        {
            await plan.WaitSeenByAsync(replica.Verification, TimeSpan.FromSeconds(15), Ct);
        }

        using var session = new RpcSession(ReplicaSet.Options([.. set.Replicas.Select(r => r.Address)], device: "faults-pg"),
            healthTimeout: TimeSpan.FromSeconds(10));
        // Only PostgreSQL is stopped, never Redis: a replay of a claim stored SHARED must be REPLAYED (ClaimsIntact).
        await using var load = MixedLoad.Start(session, plan, new MixedLoadSettings { Workers = 3, MaxDuration = TimeSpan.FromSeconds(40), ClaimsIntact = true });
        await load.WaitForCallsAsync(150, TimeSpan.FromSeconds(20));

        var stoppedAt = load.Elapsed;
        await set.StopPostgresAsync();
        var downFrom = load.Elapsed;
        await load.WaitUntilAsync(downFrom + Down, TimeSpan.FromSeconds(20));
        var downTo = load.Elapsed;
        await set.StartPostgresAgainAsync();
        var backAt = load.Elapsed;
        // Recovered once every call for a few seconds has been answered fresh; bounded.
        await TestData.EventuallyAsync(() => Task.FromResult(load.Elapsed - LastBadEnd(load, backAt) >= GoodStretch || load.Ended), RecoveryBound + GoodStretch);
        // And enough answers that know, of every scan kind, since then (a slow machine takes longer to give them).
        await TestData.EventuallyAsync(() => Task.FromResult(load.After("", LastBadEnd(load, backAt)).TooFewAuthoritative(LeastAuthoritative) is null || load.Ended),
            TimeSpan.FromSeconds(15));
        await load.StopAsync();

        var recovery = LastBadEnd(load, backAt) - backAt;
        var window = load.Report($"{name} window (stop to back + 2 s)", stoppedAt, backAt + Settle);
        var down = load.Report($"{name} while down", downFrom, downTo);
        var overall = load.Overall($"{name} overall");
        var after = load.After($"{name} after recovery", backAt + recovery);
        TestContext.Current.SendDiagnosticMessage(
            $"PostgreSQL stopped at {stoppedAt.TotalSeconds:0.000} s (down {downFrom.TotalSeconds:0.000} s), started again at {downTo.TotalSeconds:0.000} s, " +
            $"back at {backAt.TotalSeconds:0.000} s; answering fresh again {Math.Max(0, recovery.TotalMilliseconds):0} ms after; " +
            $"stale answers {overall.CallList.Count(c => c.Stale)}, errors by reason: {Reasons(overall)}");
        TestContext.Current.SendDiagnosticMessage(window.ToString());
        TestContext.Current.SendDiagnosticMessage(down.ToString());
        TestContext.Current.SendDiagnosticMessage(after.ToString());
        TestContext.Current.SendDiagnosticMessage(overall.ToString());

        Assert.True(overall.WrongAnswers.Count == 0, $"Wrong answers: {overall.Describe()}");
        Assert.True(overall.CallList.Where(c => !c.Ok).All(c => c.Status == StatusCode.Unavailable && c.RetryInfo),
            $"A failure other than UNAVAILABLE with RetryInfo: {overall.Describe()}");
        Assert.True(recovery <= RecoveryBound, $"Calls still failed or stale {recovery} after PostgreSQL was back: {overall.Describe()}");
        Assert.True(load.Calls.Any(c => c.Start > backAt + recovery && c.Ok && !c.Degraded), "No good call after the recovery.");
        Assert.True(after.TooFewAuthoritative(LeastAuthoritative) is null, after.TooFewAuthoritative(LeastAuthoritative));
        return new Run(window, down, downFrom, downTo);
    }

    // The end of the last call begun after PostgreSQL was back that failed or was degraded; backAt when none was.
    private static TimeSpan LastBadEnd(MixedLoad load, TimeSpan backAt) =>
        load.Calls.Where(c => c.Start >= backAt && (!c.Ok || c.Degraded)).Select(c => c.End).DefaultIfEmpty(backAt).Max();

    private static string Reasons(FaultWindowReport report) =>
        string.Join(", ", report.CallList.Where(c => !c.Ok).GroupBy(c => $"{c.Status}/{c.ErrorReason}").Select(g => $"{g.Key}={g.Count()}").DefaultIfEmpty("none"));
}
