using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using StackExchange.Redis;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests.ReplayFailover;

/// <summary>
/// A rolling upgrade: replicas of the previous build (one epoch, one heartbeat hash, claims at "rp:&lt;hex&gt;")
/// share the Redis with this build, which cannot see their claims. What they write is written here exactly as
/// their claim script did. A credential scanned on an old replica and replayed on a new one must not be VALID
/// with an authoritative check: not while old replicas beat, nor for a window after the last one left.
/// </summary>
public sealed class ReplayMixedFleetTests : IAsyncLifetime
{
    private const string Prefix = "el:v1:";

    private PrivateReplicas _replicas = null!;
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync()
    {
        _replicas = await PrivateReplicas.StartAsync("replay-mixed");
        _redis = await ConnectionMultiplexer.ConnectAsync(_replicas.Redis.Configuration);
    }

    [Fact]
    public async Task VerifyCredential_ScannedOnAPreviousBuildReplica_NotAuthoritativeWhileItBeatsAndAWindowAfter()
    {
        var a = _replicas.A;
        var db = _redis.GetDatabase();
        var license = await TestData.CreateLicenseAsync(a);
        Assert.Equal(ReplayCheck.Shared, (await ScanAsync(a, await TestData.IssueAsync(a, license.LicenseNumber), "device-b")).ReplayCheck);

        // An old replica beats and scans a credential (its epoch, its heartbeat by the Redis clock, its claim key).
        var issued = await a.Registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = license.LicenseNumber }, Call);
        var redisNowMs = await RedisNowMsAsync(db);
        await db.StringSetAsync(Prefix + "rp:epoch", "0123456789abcdef0123456789abcdef");
        await db.HashSetAsync(Prefix + "rp:replicas", "old-build-replica", redisNowMs);
        await db.StringSetAsync(Prefix + "rp:" + issued.TokenId, $"{redisNowMs}|device-old", TimeSpan.FromMinutes(5));
        await ProbedTwiceAsync(a);

        var whileOldBeats = await ScanAsync(a, issued.QrPayload, "device-x");
        var epochKeptWhileOldBeats = await db.KeyExistsAsync(Prefix + "rp:epoch");
        var oldReplicasTold = (long?)await db.HashGetAsync(Prefix + "rp:incomplete", "loss");

        // The old replica stops cleanly (leaves the hash): its claims may still be presented for a window.
        await db.HashDeleteAsync(Prefix + "rp:replicas", "old-build-replica");
        await ProbedTwiceAsync(a);
        var afterItLeft = await ScanAsync(a, await TestData.IssueAsync(a, license.LicenseNumber), "device-y");
        var retiredTtl = await db.KeyTimeToLiveAsync("{" + Prefix + "rp:epoch}:retired");
        var epochRetired = !await db.KeyExistsAsync(Prefix + "rp:epoch");

        // The window runs out (its mark removed here rather than waited for): authoritative again.
        await db.KeyDeleteAsync("{" + Prefix + "rp:epoch}:retired");
        await ProbedTwiceAsync(a);
        var afterTheWindow = await ScanAsync(a, await TestData.IssueAsync(a, license.LicenseNumber), "device-z");

        Assert.Equal((Verdict.Valid, ReplayCheck.SharedIncomplete), (whileOldBeats.Verdict, whileOldBeats.ReplayCheck));
        Assert.True(epochKeptWhileOldBeats, "The previous build's epoch was retired while one of its replicas still beat.");
        Assert.True(oldReplicasTold > redisNowMs, "The previous build's replicas were not given a loss mark: they would answer SHARED.");
        Assert.Equal(ReplayCheck.SharedIncomplete, afterItLeft.ReplayCheck);
        Assert.True(epochRetired);
        var window = a.GetService<Replay.ClaimLossDetector>().Window;
        Assert.InRange(retiredTtl!.Value, window - TimeSpan.FromSeconds(30), window);
        Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (afterTheWindow.Verdict, afterTheWindow.ReplayCheck));
    }

    private static async Task<long> RedisNowMsAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return (long)time[0] * 1000 + (long)time[1] / 1000;
    }

    // Two full probes after now: the second started after everything written before this call.
    private static async Task ProbedTwiceAsync(ServerInstance replica)
    {
        var writeBack = replica.GetService<Replay.ClaimWriteBack>();
        var start = writeBack.Probes;
        await TestData.EventuallyAsync(() => Task.FromResult(writeBack.Probes >= start + 2), TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _replicas.DisposeAsync();
    }
}
