using ELicense.Server.Caching;
using ELicense.Server.Registry;
using ELicense.V1;
using StackExchange.Redis;
using Xunit;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>Puts a licence's entry into the environment's shared Redis through replica A, so a test can read or alter it.</summary>
public static class ReplicaRedisEntries
{
    /// <summary>
    /// Reads the licence on replica A until its entry is in Redis, after both replicas followed the feed past the
    /// licence's creation: a follower applying it later deletes the entry (a harmless miss in service) from under the
    /// test's next step. Each attempt drops A's memory copy first: a Redis write skipped once (a slow Redis under load)
    /// would otherwise leave the entry in memory only, and every later read would be a memory hit.
    /// </summary>
    public static Task CacheThroughReplicaAAsync(this IReplicaEnvironment env, IDatabase redis, string licenseNumber, RedisKey key) =>
        CacheThroughAsync(env.ServerA, env.ServerB, redis, licenseNumber, key);

    /// <summary>The same through <paramref name="reader"/>, with <paramref name="other"/> the replica whose feed must also have passed.</summary>
    public static async Task CacheThroughAsync(ServerInstance reader, ServerInstance other, IDatabase redis, string licenseNumber, RedisKey key)
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await reader.GetService<IRegistryStore>().GetLatestChangeSequenceAsync(ct);
        await TestData.EventuallyAsync(() => Task.FromResult(
            reader.GetService<ChangeTracker>().Sequence >= created &&
            other.GetService<ChangeTracker>().Sequence >= created), TimeSpan.FromSeconds(10));

        var memory = reader.GetService<TwoLevelCache<LicenseEntry>>();
        var memoryKey = reader.GetService<CacheKeys>().License(licenseNumber);
        await TestData.EventuallyAsync(async () =>
        {
            memory.InvalidateLocal(memoryKey);
            await reader.Verification.GetLicenseAsync(
                new GetLicenseRequest { LicenseNumber = licenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: ct);
            return await redis.KeyExistsAsync(key);
        }, TimeSpan.FromSeconds(5));
    }
}
