using ELicense.Client.Connection;
using ELicense.IntegrationTests.Faults;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.MultiReplica;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.ReplicaKill;

/// <summary>
/// One of three server replicas (child processes on one PostgreSQL, registry and audit trail, and one Redis)
/// SIGKILLed under a mixed load through the multi-address client: calls in flight on it may fail, none that
/// starts once the client can have noticed; no answer is wrong; and no acknowledged audit record is lost —
/// every answered call's record is in PostgreSQL afterwards and the chain verifies.
/// </summary>
public sealed class ReplicaKillTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    /// <summary>
    /// The client's health-check detection bound, from the moment the killed process is gone: a health round
    /// starts every <see cref="ReplicaHealth.DefaultInterval"/> and a check that cannot connect ends within
    /// <see cref="ReplicaHealth.DefaultTimeout"/>, so by interval + timeout (2 s) the client's view has the replica
    /// down. No slack: a call that starts after it and fails is a failure of the client, not of the kill. (The
    /// kernel resets the dead process's connections at once, so the balancer usually drops it far sooner, and a
    /// call that meets the reset is retried on another replica.)
    /// </summary>
    private static readonly TimeSpan DetectionBound = ReplicaHealth.DefaultInterval + ReplicaHealth.DefaultTimeout;

    /// <summary>Authoritative answers of each scan kind the fleet must give after the bound (see <see cref="AnswerJudge.IsAuthoritative"/>).</summary>
    private const int LeastAuthoritative = 10;

    private const int Killed = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MixedLoad_OneOfThreeReplicasSigkilled_NoFailureAfterDetectionNoWrongAnswerNoAcknowledgedRecordLost()
    {
        await using var set = await ProcessReplicas.StartAsync(fixture.Cluster, 3, Ct);
        var plan = await MixedLoadPlan.PrepareAsync(set.Registry, credentials: 400, cancellationToken: Ct);
        foreach (var replica in set.Replicas)
        {
            // The revocation in every replica's view before the load: a VALID for it then is a wrong answer, not a late one.
            await plan.WaitSeenByAsync(new VerificationService.VerificationServiceClient(replica.As(TestCallers.Officer)), TimeSpan.FromSeconds(15), Ct);
        }

        // Every record committed so far is the setup's: the load's records are the ones after these.
        var setupRecords = (await StoredTrail.ReadAllAsync(set.Database, Ct)).Count;
        using var session = new RpcSession(ReplicaSet.Options(set.Addresses));
        await HealthRounds.ViewAsync(session.Health!, true, true, true);

        // Redis is never faulted here: a replay of a claim stored SHARED must be REPLAYED (ClaimsIntact).
        var killedCallsBefore = await set.ApiCallsAsync(Killed, Ct);
        await using var load = MixedLoad.Start(session, plan, new MixedLoadSettings { Workers = 4, MaxDuration = TimeSpan.FromSeconds(30), ClaimsIntact = true });
        await load.WaitForCallsAsync(150, TimeSpan.FromSeconds(20));
        // The replica to be killed was taking its share of the load (the balancer picks it), not idle beside it.
        var killedTook = await set.ApiCallsAsync(Killed, Ct) - killedCallsBefore;
        Assert.True(killedTook > 0, $"Replica {Killed} answered no API call of the load before the kill: the kill would show nothing.");
        var callsBeforeKill = load.CallCount;
        var killFrom = load.Elapsed;
        await set.KillAsync(Killed);
        var killTo = load.Elapsed;
        await HealthRounds.ViewAsync(session.Health!, true, true, false);
        var healthSawIt = load.Elapsed - killTo;
        await load.WaitUntilAsync(killTo + DetectionBound + TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(20));
        await load.WaitForAuthoritativeAsync(killTo + DetectionBound, LeastAuthoritative, TimeSpan.FromSeconds(15));
        await load.StopAsync();

        var calls = load.Calls;
        var detected = killTo + DetectionBound;
        var failed = calls.Where(c => !c.Ok).ToList();
        var report = load.Report("replica SIGKILL", killFrom, detected);
        var after = load.After("replica SIGKILL after the bound", detected);
        var audit = await AuditCheck.RunAsync(set.Database, set.KeyDirectory, setupRecords, calls, Ct);
        // The client does not say which replica answered: these are the calls in flight anywhere when the signal went.
        var inFlight = calls.Count(c => c.Start <= killFrom && c.End >= killFrom);
        var degraded = string.Join(", ", calls.Where(c => c.Degraded).GroupBy(c => $"{c.Kind} {c.Answer}").Select(g => $"{g.Key} x{g.Count()}"));

        TestContext.Current.SendDiagnosticMessage(
            $"SIGKILL of replica {Killed} of 3 (it had answered {killedTook} of the load's first {callsBeforeKill} calls) at {killFrom.TotalSeconds:0.000} s " +
            $"(gone at {killTo.TotalSeconds:0.000} s); health view updated {healthSawIt.TotalMilliseconds:0} ms after; failures tolerated only for calls " +
            $"running at the kill and started before gone + health interval + timeout = {DetectionBound.TotalSeconds:0.0} s. {calls.Count} calls, {failed.Count} failed " +
            $"({failed.Count(c => c.Start < detected)} started before the bound), {calls.Count(c => c.Wrong is not null)} wrong, " +
            $"{inFlight} in flight at the kill; {calls.Count(c => c.Degraded)} degraded answers (said so: {degraded}).\n{report}\n{after}\n{audit}");
        var wrong = calls.Where(c => c.Wrong is not null).ToList();
        Assert.True(wrong.Count == 0, "Wrong answers:\n" + string.Join('\n', wrong.Take(10)));
        // A failure is the kill's only if the call was still running when the kill came and began before the bound.
        var notTheKills = failed.Where(c => c.Start >= detected || c.End < killFrom).ToList();
        Assert.True(notTheKills.Count == 0, "Failed calls outside the kill's reach:\n" + string.Join('\n', notTheKills.Take(10)));
        Assert.True(after.TooFewAuthoritative(LeastAuthoritative) is null, after.TooFewAuthoritative(LeastAuthoritative));
        Assert.Empty(audit.Missing);
        Assert.Equal(0, audit.VerifyExit);
        Assert.True(audit.VerifiedRecords >= setupRecords + audit.Acknowledged, $"audit verify checked {audit.VerifiedRecords} records.");
    }
}
