using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.Testing;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests.ReplayFailover;

/// <summary>
/// The issue's scenario on a real 6-node Redis Cluster through real gRPC: credentials scanned while one master's
/// replica has stopped receiving writes, that master killed, its replica promoted without the claims it had
/// acknowledged; then every credential replayed from another device on another server replica. Not one replay may
/// be answered VALID with an authoritative (SHARED) replay check: the lost shard's must say SHARED_INCOMPLETE.
/// </summary>
public sealed class ReplayFailoverTests(ITestOutputHelper output) : TwoReplicasOnCluster("elicense-replay-failover-")
{
    private const int Credentials = 48;

    [Fact]
    public async Task VerifyCredential_FailoverLosingAcknowledgedClaims_NoReplayValidAsAuthoritative()
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
        var firsts = new List<VerifyCredentialResponse>();
        Task<(TimeSpan? Suspect, TimeSpan? Lost)>? watch = null;
        var failover = await Cluster.FailoverLosingWritesAsync(master, async () =>
        {
            // Acknowledged by the master, copied to no replica.
            foreach (var payload in payloads)
            {
                firsts.Add(await ScanAsync(a, payload, "device-a"));
            }

            // A is gone before the loss (as a handheld's server may be): only Redis could have caught the replays.
            await StopAAsync();
            watch = WatchAsync(b, ct); // the master is killed right after this returns
        }, ct);
        var detection = await watch!.WaitAsync(TimeSpan.FromSeconds(40), ct);

        // Every bucket probed again after the promotion, so that the replays go to the new master, not LOCAL_ONLY.
        var probes = b.GetService<Replay.ClaimWriteBack>().Probes;
        await TestData.EventuallyAsync(() => Task.FromResult(b.GetService<Replay.ClaimWriteBack>().Probes >= probes + 2), TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        var replays = new List<VerifyCredentialResponse>();
        foreach (var payload in payloads)
        {
            replays.Add(await ScanAsync(b, payload, "device-x"));
        }

        var perScanMs = clock.Elapsed.TotalMilliseconds / Credentials;
        var wrong = replays.Count(r => r.Verdict == Verdict.Valid && r.ReplayCheck == ReplayCheck.Shared);
        var lostButSaid = replays.Count(r => r.Verdict == Verdict.Valid && r.ReplayCheck == ReplayCheck.SharedIncomplete);
        output.WriteLine($"first scans: {string.Join(", ", firsts.GroupBy(f => (f.Verdict, f.ReplayCheck)).Select(g => $"{g.Key}={g.Count()}"))}");
        output.WriteLine($"replays: {string.Join(", ", replays.GroupBy(r => (r.Verdict, r.ReplayCheck)).Select(g => $"{g.Key}={g.Count()}"))}");
        output.WriteLine($"promotion {failover.Promotion.TotalMilliseconds:0} ms after the kill; replica B not authoritative {Ms(detection.Suspect)} " +
            $"and a loss marked {Ms(detection.Lost)} after the kill; replays {perScanMs:0.0} ms each");

        Assert.All(firsts, f => Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (f.Verdict, f.ReplayCheck)));
        Assert.Equal(0, wrong);
        Assert.True(lostButSaid > 0, "No claim was lost: the failover did not reproduce the issue's scenario.");
        Assert.True(lostButSaid < Credentials, "Every claim was lost: the other shards' claims should have survived.");
        Assert.All(replays.Where(r => r.Verdict != Verdict.Valid), r => Assert.Equal(Verdict.Replayed, r.Verdict));
        Assert.NotNull(detection.Lost);
    }

    private static string Ms(TimeSpan? t) => t is { } v ? $"{v.TotalMilliseconds:0} ms" : "never";

    // From now (just before the kill): when B first answers non-authoritatively (suspicion or loss), and when it
    // first holds a loss mark (a bucket found written by another master). Bounded; polls: the kill is a real process's.
    private static async Task<(TimeSpan? Suspect, TimeSpan? Lost)> WatchAsync(ServerInstance replica, CancellationToken ct)
    {
        var detector = replica.GetService<Replay.ClaimLossDetector>();
        var time = TimeProvider.System;
        var clock = Stopwatch.StartNew();
        TimeSpan? suspect = null;
        TimeSpan? lost = null;
        while (lost is null && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            suspect ??= detector.Authority(time.GetUtcNow().ToUnixTimeMilliseconds()) == Replay.ReplayAuthority.SharedIncomplete ? clock.Elapsed : null;
            lost ??= detector.IncompleteUntil > time.GetUtcNow() ? clock.Elapsed : null;
            await Task.Delay(5, ct);
        }

        return (suspect, lost);
    }
}
