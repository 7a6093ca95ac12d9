using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;

namespace ELicense.IntegrationTests;

/// <summary>
/// Redis loses replay claims — killed and restarted without persistence, or frozen until the breaker
/// opens — under two replicas: a replay is never answered VALID as authoritative, a replayer never
/// becomes the owner, and claims made without Redis are written back.
/// </summary>
public sealed class ReplayClaimLossTests : IAsyncLifetime
{
    private PrivateReplicas _replicas = null!;

    private ServerInstance A => _replicas.A;

    private ServerInstance B => _replicas.B;

    public async ValueTask InitializeAsync() => _replicas = await PrivateReplicas.StartAsync("replay-loss");

    [Fact]
    public async Task VerifyCredential_RedisRestartedEmptySameReplica_ReplayerNeverBecomesOwner()
    {
        var license = await TestData.CreateLicenseAsync(A);
        var payload = await TestData.IssueAsync(A, license.LicenseNumber);
        var first = await ScanAsync(A, payload, "device-a");
        Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (first.Verdict, first.ReplayCheck));

        await _replicas.Redis.StopAsync();
        await _replicas.Redis.RestartAsync(); // empty: no persistence
        await WaitUntilSharedAsync(A, license.LicenseNumber);

        // This replica remembers device-a: the replayer is refused, and Redis is given device-a's claim.
        var replay = await ScanAsync(A, payload, "device-x");
        var again = await ScanAsync(A, payload, "device-x");
        await WaitUntilSharedAsync(B, license.LicenseNumber); // B reconnects on its own schedule
        var elsewhere = await ScanAsync(B, payload, "device-x");

        Assert.All(new[] { replay, again, elsewhere }, r => Assert.Equal(Verdict.Replayed, r.Verdict));
        Assert.All(new[] { replay, again, elsewhere }, r => AssertFirstScanOf(first, r));
        Assert.Equal(ReplayCheck.SharedIncomplete, again.ReplayCheck);
        Assert.False(again.RepeatScan);
    }

    [Fact]
    public async Task VerifyCredential_RedisRestartedEmptyOtherReplica_NeverValidAsAuthoritative()
    {
        var license = await TestData.CreateLicenseAsync(A);
        var payload = await TestData.IssueAsync(A, license.LicenseNumber);
        Assert.Equal(ReplayCheck.Shared, (await ScanAsync(B, await TestData.IssueAsync(A, license.LicenseNumber), "device-b")).ReplayCheck);
        var first = await ScanAsync(A, payload, "device-a");
        Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (first.Verdict, first.ReplayCheck));

        await _replicas.Redis.StopAsync();
        await _replicas.Redis.RestartAsync();
        await WaitUntilSharedAsync(B, license.LicenseNumber);

        // B never saw the first scan and Redis forgot it: B may not know, but must not claim to know.
        var replay = await ScanAsync(B, payload, "device-x");
        // LOCAL_ONLY (B's own Redis call cut under load) is as honest: only a VALID checked SHARED would be a lie.
        Assert.True(replay.Verdict == Verdict.Replayed || replay.ReplayCheck is ReplayCheck.SharedIncomplete or ReplayCheck.LocalOnly,
            $"A replay after Redis lost its claims was answered {replay.Verdict} / {replay.ReplayCheck}.");

        // A writes its claims back (device-a's, the earliest): from then on the replay is caught everywhere.
        await TestData.EventuallyAsync(() => Task.FromResult(WrittenBack(A) > 0), TimeSpan.FromSeconds(20));
        var later = await ScanAsync(B, payload, "device-x");
        Assert.Equal(Verdict.Replayed, later.Verdict);
        Assert.Equal(ReplayCheck.SharedIncomplete, later.ReplayCheck);
        AssertFirstScanOf(first, later);
    }

    [Fact]
    public async Task VerifyCredential_FirstScanWhileRedisFrozen_WrittenBackAndCaughtOnTheOtherReplica()
    {
        var license = await TestData.CreateLicenseAsync(A);
        var payload = await TestData.IssueAsync(A, license.LicenseNumber);
        await _replicas.Redis.FreezeAsync();
        VerifyCredentialResponse first;
        try
        {
            first = await ScanAsync(A, payload, "device-a");
            // Until the breaker opens: how many failures that takes depends on the calls already in its window.
            await TestData.EventuallyAsync(async () =>
            {
                await ScanAsync(A, await TestData.IssueAsync(A, license.LicenseNumber), "device-a");
                return BreakerOpen(A);
            }, TimeSpan.FromSeconds(10));
        }
        finally
        {
            await _replicas.Redis.ThawAsync();
        }

        Assert.Equal((Verdict.Valid, ReplayCheck.LocalOnly), (first.Verdict, first.ReplayCheck));

        // After the thaw A publishes its window and writes its claims back, in the background (a claim whose
        // call timed out during the freeze may have landed on the thaw: then it is found held, not written).
        await TestData.EventuallyAsync(() => Task.FromResult(WriteBackSettled(A) >= 1), TimeSpan.FromSeconds(20));
        await WaitUntilSharedAsync(B, license.LicenseNumber);
        var replay = await ScanAsync(B, payload, "device-x");

        Assert.Equal(Verdict.Replayed, replay.Verdict);
        AssertFirstScanOf(first, replay);

        // Nothing of A's period alone is missing from Redis any more: A clears its mark, checks are authoritative again.
        await TestData.EventuallyAsync(async () =>
            (await ScanAsync(B, await TestData.IssueAsync(A, license.LicenseNumber), "device-x")).ReplayCheck == ReplayCheck.Shared,
            TimeSpan.FromSeconds(20));
        Assert.Equal(Verdict.Replayed, (await ScanAsync(B, payload, "device-y")).Verdict);
    }

    [Fact]
    public async Task VerifyCredential_ReplicaStoppedCleanlyAfterAnsweringAlone_OtherReplicaNotAuthoritative()
    {
        var license = await TestData.CreateLicenseAsync(A);
        var payload = await TestData.IssueAsync(A, license.LicenseNumber);
        await _replicas.Redis.FreezeAsync();
        VerifyCredentialResponse first;
        try
        {
            await TestData.EventuallyAsync(async () =>
            {
                await ScanAsync(A, await TestData.IssueAsync(A, license.LicenseNumber), "device-a");
                return BreakerOpen(A);
            }, TimeSpan.FromSeconds(10));
            first = await ScanAsync(A, payload, "device-a"); // breaker open: no claim call sent to land on the thaw

            // A stops cleanly while Redis is frozen: whatever it sends on leaving lands on the thaw.
            await StopCleanlyAsync(A);
        }
        finally
        {
            await _replicas.Redis.ThawAsync();
        }

        Assert.Equal((Verdict.Valid, ReplayCheck.LocalOnly), (first.Verdict, first.ReplayCheck));
        await WaitUntilSharedAsync(B, license.LicenseNumber);

        // B must come to doubt Redis: A's mark or A still in the heartbeats, seen silent once PeerSilentAfter
        // (5 s) has passed since its last beat. A replica that left without either never makes B doubt (the bug).
        await TestData.EventuallyAsync(() => Task.FromResult(SharedIncomplete(B)), TimeSpan.FromSeconds(20));

        // A's claim never reached Redis, nor did its mark: B cannot know device-a scanned first, and must not claim to.
        var replay = await ScanAsync(B, payload, "device-x");
        // LOCAL_ONLY (B's own Redis call cut under load) is as honest: only a VALID checked SHARED would be a lie.
        Assert.True(replay.Verdict == Verdict.Replayed || replay.ReplayCheck is ReplayCheck.SharedIncomplete or ReplayCheck.LocalOnly,
            $"A replay of a claim made alone by a replica that then stopped was answered {replay.Verdict} / {replay.ReplayCheck}.");
    }

    // A failover that lost acknowledged claims, made atomic and exact on one Redis: the claims are gone and every
    // bucket was last written by "another master", while the epoch and run_id stay and no connection fails. Only the
    // writer check in the claim script can tell; the replay is B's first call since, or races B's next probe.
    private const string LoseClaimsAsIfFailedOver = """
        for _, key in ipairs(redis.call('KEYS', 'el:v1:rp:{b*}:*')) do
          if string.sub(key, -7) == ':replid' then
            redis.call('SET', key, 'a-master-that-is-gone')
          elseif not string.match(key, ':epoch$') and not string.match(key, ':incomplete$') and not string.match(key, ':replicas$') then
            redis.call('DEL', key)
          end
        end
        return 1
        """;

    [Fact]
    public async Task VerifyCredential_ClaimsLostInAFailoverOtherReplica_NeverValidAsAuthoritative()
    {
        var license = await TestData.CreateLicenseAsync(A);
        await TestData.EventuallyAsync(async () =>
            (await ScanAsync(B, await TestData.IssueAsync(A, license.LicenseNumber), "device-b")).ReplayCheck == ReplayCheck.Shared, TimeSpan.FromSeconds(20));
        var payloads = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var payload = await TestData.IssueAsync(A, license.LicenseNumber);
            var first = await ScanAsync(A, payload, "device-a");
            Assert.Equal((Verdict.Valid, ReplayCheck.Shared), (first.Verdict, first.ReplayCheck));
            payloads.Add(payload);
        }

        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_replicas.Redis.Configuration))
        {
            await redis.GetDatabase().ScriptEvaluateAsync(LoseClaimsAsIfFailedOver);
        }

        foreach (var payload in payloads)
        {
            var replay = await ScanAsync(B, payload, "device-x");
            Assert.True(replay.Verdict == Verdict.Replayed || replay.ReplayCheck == ReplayCheck.SharedIncomplete,
                $"A replay after a failover lost its claim was answered {replay.Verdict} / {replay.ReplayCheck}.");
        }
    }

    /// <summary>
    /// The answer names <paramref name="first"/> as the first scan: its claim is stamped within the same call,
    /// in whole milliseconds (so up to 1 ms before the verify time).
    /// </summary>
    private static void AssertFirstScanOf(VerifyCredentialResponse first, VerifyCredentialResponse answer) =>
        Assert.InRange((answer.FirstScanTime.ToDateTimeOffset() - first.VerifyTime.ToDateTimeOffset()).TotalMilliseconds, -1, 250);

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}
