using System.Collections.Concurrent;
using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.Testing;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>
/// The master that owns the invalidation channel's slot dies (SIGKILL) under lookups on both replicas: no call
/// fails, no answer claims a lag bound its data does not meet, and B either hears invalidations again (resubscribed
/// on the promoted replica) or says FEED_ONLY while the change feed delivers.
/// </summary>
public sealed class ClusterInvalidationFailoverTests(ClusterEnvironment env) : IClassFixture<ClusterEnvironment>
{
    [Fact]
    public async Task KillChannelMaster_UnderLookups_NoCallFailsAndReplicaBFallsBackHonestlyThenRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await ClusterEnvironment.WaitLiveAsync(env.B);
        var license = await TestData.CreateLicenseAsync(env.A);
        await ClusterEnvironment.WarmAsync(env.B, license.LicenseNumber);
        await ClusterEnvironment.WaitLiveAsync(env.B);
        var master = await env.Cluster.MasterOfAsync("el:v1:invalidate", ct);
        var replica = env.Cluster.ReplicaOf(master);

        var failures = new ConcurrentQueue<string>();
        var pathsOnB = new ConcurrentDictionary<InvalidationPath, int>();
        var renewalsBefore = LogCapture.Instance.Lines.Count(l => l.Contains("subscribing again", StringComparison.Ordinal));
        var calls = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = Task.WhenAll(new[] { env.A, env.B }.Select(server => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var answer = await ClusterEnvironment.LookUpAsync(server, license.LicenseNumber);
                    if (server == env.B)
                    {
                        pathsOnB.AddOrUpdate(answer.Freshness.Invalidation, 1, (_, n) => n + 1);
                    }

                    Interlocked.Increment(ref calls);
                }
                catch (RpcException e)
                {
                    failures.Enqueue($"{server.Address}: {e.StatusCode} {e.Status.Detail}");
                }
            }
        })));

        // The load stops on every path: a failed wait below must not leave it calling dead replicas for the rest of the run.
        TimeSpan detected, acknowledged, seen, promotedAfter, recoveredAfter;
        RedisClusterFailover failover;
        var dishonest = new List<string>();
        var paths = new HashSet<InvalidationPath>();
        try
        {
            var clock = Stopwatch.StartNew();
            await env.Cluster.KillAsync(master);
            detected = await TestData.EventuallyAsync(() => Task.FromResult(ClusterEnvironment.PathOf(env.B) != InvalidationPath.Live), TimeSpan.FromSeconds(10));

            // A revocation while the channel's shard has no master: A's publish fails (the write does not), B must not
            // claim a bound its answer does not meet, and the change feed brings it.
            var revokedAt = Stopwatch.GetTimestamp();
            await env.A.Registry.UpdateLicenseStatusAsync(
                new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, ClusterEnvironment.Call);
            acknowledged = Stopwatch.GetElapsedTime(revokedAt);
            seen = await TestData.EventuallyAsync(async () =>
            {
                var sent = Stopwatch.GetElapsedTime(revokedAt) - acknowledged; // at least this long after the commit
                var answer = await ClusterEnvironment.LookUpAsync(env.B, license.LicenseNumber);
                paths.Add(answer.Freshness.Invalidation);
                if (answer.License.Status == LicenseStatus.Revoked)
                {
                    return true;
                }

                if (answer.Freshness.MaxLag.ToTimeSpan() < sent)
                {
                    dishonest.Add($"{answer.Freshness.Invalidation} max_lag {answer.Freshness.MaxLag.ToTimeSpan().TotalMilliseconds:0} ms, {sent.TotalMilliseconds:0} ms after the commit");
                }

                return false;
            }, TimeSpan.FromSeconds(5));

            failover = await env.Cluster.WaitForPromotionAsync(master, replica, ct);
            promotedAfter = clock.Elapsed;
            await ClusterEnvironment.WaitLiveAsync(env.B);
            recoveredAfter = clock.Elapsed;
        }
        finally
        {
            await stop.CancelAsync();
            await load.WaitAsync(TimeSpan.FromSeconds(15), ct);
        }

        Assert.Empty(failures);
        Assert.Empty(dishonest);
        Assert.True(calls > 0);
        TestContext.Current.SendDiagnosticMessage(
            $"Cluster, channel master killed: B left LIVE after {detected.TotalMilliseconds:0} ms; revocation (acknowledged in {acknowledged.TotalMilliseconds:0} ms) " +
            $"seen on B {seen.TotalMilliseconds:0} ms later (paths {string.Join(',', paths)}); promotion {promotedAfter.TotalMilliseconds:0} ms after the kill " +
            $"(fixture saw role:master after {failover.Promotion.TotalMilliseconds:0} ms of waiting); B LIVE again {recoveredAfter.TotalMilliseconds:0} ms after the kill " +
            $"(resubscribe gap); {calls} lookups, {failures.Count} failed; B's answers by path: {string.Join(", ", pathsOnB.Select(p => $"{p.Key}={p.Value}"))}; " +
            $"subscriptions renewed by the watch: {LogCapture.Instance.Lines.Count(l => l.Contains("subscribing again", StringComparison.Ordinal)) - renewalsBefore}.");

        // The cluster is whole again (the killed node back as a replica) for whatever runs next on it.
        await env.Cluster.RestartAsync(master, ct);
        await env.Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, ct);
        Assert.Equal(RedisClusterRole.Replica, master.Role);
    }
}
