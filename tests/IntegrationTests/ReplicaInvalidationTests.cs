
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using StackExchange.Redis;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>On the SQLite registry (the shared environment): one file, one Redis, two replicas.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class ReplicaInvalidationTests(SharedEnvironment env) : ReplicaInvalidationCases(env);

/// <summary>A status change on one replica reaches the others: by pub/sub at once, by the change feed if pub/sub is lost.</summary>
public abstract class ReplicaInvalidationCases(IReplicaEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdateLicenseStatus_RevokedOnReplicaA_ReplicaBSaysNotValid()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var warm = await env.ServerB.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        Assert.True(warm.ValidNow); // B now holds the licence in memory

        await env.ServerA.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, cancellationToken: Ct);
        var seenAfter = await TestData.EventuallyAsync(async () =>
            (await env.ServerB.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct))
                .License.Status == LicenseStatus.Revoked, TimeSpan.FromSeconds(2));
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var verdict = await env.ServerB.Verification.VerifyCredentialAsync(
            new VerifyCredentialRequest { QrPayload = payload, DeviceId = "replica-test" }, cancellationToken: Ct);

        Assert.Equal(Verdict.LicenseNotValid, verdict.Verdict);
        Assert.Equal(LicenseStatus.Revoked, verdict.License.Status);
        TestContext.Current.SendDiagnosticMessage($"Revocation visible on replica B after {seenAfter.TotalMilliseconds:0} ms (pub/sub path).");
    }

    [Fact]
    public async Task UpdateLicenseStatus_ReplicaWithoutPubSub_CatchesUpThroughChangeFeed()
    {
        // Replica C shares the registry but has no Redis: no pub/sub message can reach it, as if lost.
        await using var replicaC = await env.StartReplicaAsync(redisConfiguration: "");
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var warm = await replicaC.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);
        // Until C's feed has passed the licence's creation, a copy C read before it learnt of that change is
        // dropped when it does (it cannot tell it read after the commit): read until the copy is held in memory.
        await TestData.EventuallyAsync(async () =>
            (await replicaC.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct))
                .Freshness.Source == DataSource.Memory, TimeSpan.FromSeconds(5));

        await env.ServerA.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Suspended }, cancellationToken: Ct);
        var seenAfter = await TestData.EventuallyAsync(async () =>
            (await replicaC.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct))
                .License.Status == LicenseStatus.Suspended, TimeSpan.FromSeconds(2));

        Assert.True(warm.ValidNow);
        TestContext.Current.SendDiagnosticMessage($"Suspension visible on replica C after {seenAfter.TotalMilliseconds:0} ms (change-feed path).");
    }

    [Fact]
    public async Task GetLicense_OldCopyPlantedBackInRedis_IsRefused()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var key = new RedisKey("el:v1:" + env.ServerA.GetService<ELicense.Server.Caching.CacheKeys>().License(license.LicenseNumber));
        await env.CacheThroughReplicaAAsync(redis.GetDatabase(), license.LicenseNumber, key);
        var oldCopy = await redis.GetDatabase().StringGetAsync(key);
        Assert.False(oldCopy.IsNull);

        await env.ServerA.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, cancellationToken: Ct);
        // As if the delete had been lost, or a slow reader's write had landed after it.
        await redis.GetDatabase().StringSetAsync(key, oldCopy);
        await using var replicaC = await env.StartReplicaAsync(env.Redis.Configuration);
        var read = await replicaC.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);

        Assert.Equal(LicenseStatus.Revoked, read.License.Status);
        Assert.False(read.ValidNow);
        Assert.Equal(DataSource.Registry, read.Freshness.Source);
    }
}
