using ELicense.Server.Caching;
using ELicense.Server.Registry;
using ELicense.Testing;
using ELicense.V1;
using ELicense.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>The cache and its invalidation on a Redis Cluster, through real gRPC on two replicas.</summary>
public sealed class ClusterCacheTests(SlowFeedClusterEnvironment env) : IClassFixture<SlowFeedClusterEnvironment>
{
    [Fact]
    public async Task GetLicense_ReadOnReplicaA_ReplicaBAnswersFromRedisOnTheCluster()
    {
        var license = await TestData.CreateLicenseAsync(env.A);

        // A's copy lands in the cluster (once both replicas followed the feed past the creation, whose late
        // invalidation would delete it); then B, its own memory copy dropped each attempt, reads it from there
        // once its key fingerprint agrees (else it would not use Redis).
        var key = "el:v1:" + env.A.GetService<CacheKeys>().License(license.LicenseNumber);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(env.Cluster.Configuration))
        {
            await ReplicaRedisEntries.CacheThroughAsync(env.A, env.B, redis.GetDatabase(), license.LicenseNumber, key);
        }

        var memoryB = env.B.GetService<TwoLevelCache<LicenseEntry>>();
        await TestData.EventuallyAsync(async () =>
        {
            memoryB.InvalidateLocal(env.B.GetService<CacheKeys>().License(license.LicenseNumber));
            var onB = await ClusterEnvironment.LookUpAsync(env.B, license.LicenseNumber);
            return onB.Freshness.Source == DataSource.Redis;
        }, TimeSpan.FromSeconds(10));

        Assert.Equal(RedisKeyAgreement.Agreed, env.A.GetService<RedisConnection>().KeyAgreement);
        Assert.Equal(RedisKeyAgreement.Agreed, env.B.GetService<RedisConnection>().KeyAgreement);
        var owner = await env.Cluster.MasterOfAsync(key, TestContext.Current.CancellationToken);
        Assert.Equal("1", await env.Cluster.CommandAsync(owner, "EXISTS", key));
    }

    [Fact]
    public async Task UpdateLicenseStatus_RevokedOnA_ReplicaBLearnsItOverShardedPubSub()
    {
        await ClusterEnvironment.WaitLiveAsync(env.B);
        Assert.Equal(InvalidationChannelKind.Sharded, env.A.GetService<InvalidationChannel>().Kind);
        Assert.Equal(InvalidationChannelKind.Sharded, env.B.GetService<InvalidationChannel>().Kind);
        var follower = env.B.GetService<ChangeFeedFollower>();

        // Pub/sub, not the feed: B sees the revocation while its feed is still where it was before the write. Should
        // a poll (every 3 s) happen to run in between, that attempt proves nothing and another is made (bounded).
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var license = await TestData.CreateLicenseAsync(env.A);
            await ClusterEnvironment.WarmAsync(env.B, license.LicenseNumber);
            await ClusterEnvironment.WaitLiveAsync(env.B);
            var feedBefore = follower.LastSequence;

            await env.A.Registry.UpdateLicenseStatusAsync(
                new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, ClusterEnvironment.Call);
            var seen = await TestData.EventuallyAsync(async () =>
                (await ClusterEnvironment.LookUpAsync(env.B, license.LicenseNumber)).License.Status == LicenseStatus.Revoked, TimeSpan.FromSeconds(5));
            if (follower.LastSequence == feedBefore)
            {
                Assert.Equal(InvalidationPath.Live, ClusterEnvironment.PathOf(env.B));
                TestContext.Current.SendDiagnosticMessage($"Cluster: revocation on A visible on B after {seen.TotalMilliseconds:0} ms over sharded pub/sub (attempt {attempt}).");
                return;
            }
        }

        Assert.Fail("In three attempts, B saw the revocation only once its change feed had moved: sharded pub/sub did not deliver it.");
    }

    [Fact]
    public async Task InvalidateAsync_KeysOnSeveralSlots_EveryKeyDeletedFromTheCluster()
    {
        var ct = TestContext.Current.CancellationToken;
        var licenses = new List<License>();
        for (var i = 0; i < 6; i++)
        {
            licenses.Add(await TestData.CreateLicenseAsync(env.A));
        }

        var keys = licenses.Select(l => "el:v1:" + env.A.GetService<CacheKeys>().License(l.LicenseNumber)).ToList();
        Assert.True(keys.Select(RedisClusterSlots.Of).Distinct().Count() > 1);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Cluster.Configuration);
        for (var i = 0; i < licenses.Count; i++)
        {
            await ReplicaRedisEntries.CacheThroughAsync(env.A, env.B, redis.GetDatabase(), licenses[i].LicenseNumber, keys[i]);
        }

        Assert.All(await Task.WhenAll(keys.Select(k => redis.GetDatabase().KeyExistsAsync(k))), Assert.True);

        // What a feed batch does on every replica (publish: false), and a registry write on the writer: one call, many keys.
        var sequence = env.A.GetService<ChangeTracker>().Sequence;
        await env.A.GetService<CacheInvalidator>().InvalidateAsync(
            licenses.Select(l => new RegistryChange(sequence, ChangeKind.License, l.LicenseNumber)).ToList(), publish: false).WaitAsync(TimeSpan.FromSeconds(10), ct);

        var left = await Task.WhenAll(keys.Select(k => redis.GetDatabase().KeyExistsAsync(k)));
        Assert.All(left, Assert.False);
    }
}
