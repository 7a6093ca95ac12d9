using ELicense.IntegrationTests.Infrastructure;
using ELicense.Testing;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests.ReplayFailover;

/// <summary>
/// A cluster master restarted from an older snapshot (persistence that lost its tail), too quickly for its replica to
/// take over: the node keeps its id (nodes.conf) and the snapshot keeps every bucket's epoch and writer id, so only the
/// server's new run_id shows that claims were lost. The probe reads it every beat, once per master (one bucket
/// of each master's slots reads it for all of them): the replays of the claims made after the snapshot, on a server replica
/// that never saw them, must not be answered VALID with an authoritative (SHARED) replay check.
/// </summary>
public sealed class ReplayRestartFromSnapshotTests(ITestOutputHelper output) : TwoReplicasOnCluster("elicense-replay-snapshot-")
{
    private const int Credentials = 24;

    [Fact]
    public async Task VerifyCredential_MasterRestartedFromAnOlderSnapshot_NoReplayValidAsAuthoritative()
    {
        var ct = TestContext.Current.CancellationToken;
        var (a, b) = (A, B);
        var license = await TestData.CreateLicenseAsync(a);
        await WaitUntilAuthoritativeAsync(a, license.LicenseNumber);
        await WaitUntilAuthoritativeAsync(b, license.LicenseNumber);
        var payloads = new List<string>();
        for (var i = 0; i < Credentials; i++)
        {
            payloads.Add(await TestData.IssueAsync(a, license.LicenseNumber));
        }

        var master = Cluster.Masters.First();
        var replica = Cluster.ReplicaOf(master);
        await Cluster.FreezeAsync(replica); // no promotion while the master is down: it comes back as itself
        Assert.Equal("OK", await Cluster.CommandAsync(master, "SAVE")); // epochs and writer ids, none of the claims below

        var firsts = new List<VerifyCredentialResponse>();
        foreach (var payload in payloads)
        {
            firsts.Add(await ScanAsync(a, payload, "device-a"));
        }

        // A is gone before the loss: only Redis could have caught the replays.
        await StopAAsync();
        await Cluster.KillAsync(master);
        await Cluster.RestartAsync(master, ct); // loads the snapshot: same node id, same epochs, the claims after it gone
        await Cluster.ThawAsync(replica);
        await Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, ct);

        // Every bucket probed again after the restart, so that the replays go to the restarted master, not LOCAL_ONLY.
        var probes = b.GetService<Replay.ClaimWriteBack>().Probes;
        await TestData.EventuallyAsync(() => Task.FromResult(b.GetService<Replay.ClaimWriteBack>().Probes >= probes + 2), TimeSpan.FromSeconds(20));
        var replays = new List<VerifyCredentialResponse>();
        foreach (var payload in payloads)
        {
            replays.Add(await ScanAsync(b, payload, "device-x"));
        }

        output.WriteLine($"first scans: {string.Join(", ", firsts.GroupBy(f => (f.Verdict, f.ReplayCheck)).Select(g => $"{g.Key}={g.Count()}"))}");
        output.WriteLine($"replays: {string.Join(", ", replays.GroupBy(r => (r.Verdict, r.ReplayCheck)).Select(g => $"{g.Key}={g.Count()}"))}");
        Assert.All(firsts, f => Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (f.Verdict, f.ReplayCheck)));
        Assert.Equal(0, replays.Count(r => r.Verdict == Verdict.Valid && r.ReplayCheck == ReplayCheck.Shared));
        Assert.True(replays.Any(r => r.Verdict == Verdict.Valid && r.ReplayCheck == ReplayCheck.SharedIncomplete),
            "No claim was lost: the restart from the snapshot did not reproduce the scenario.");
        Assert.All(replays.Where(r => r.Verdict != Verdict.Valid), r => Assert.Equal(Verdict.Replayed, r.Verdict));

        // Found as a loss (a window marked), not only suspected for a while after the reconnect: the run_id did it.
        var detector = b.GetService<Replay.ClaimLossDetector>();
        Assert.True(detector.IncompleteUntil > TimeProvider.System.GetUtcNow() + detector.Window / 2,
            $"No loss marked after the restart from a snapshot (incomplete until {detector.IncompleteUntil:O}).");
    }
}
