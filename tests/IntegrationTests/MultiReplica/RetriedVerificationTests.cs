using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// A verification whose reply was lost after replica A had claimed the scan in Redis (the connection to A
/// reset just before the reply, as when A dies) is retried on B: the officer sees VALID as this scan's first
/// check, never REPLAYED; another device scanning the same code afterwards gets REPLAYED.
/// </summary>
public sealed class RetriedVerificationTests
{
    private const string Device = "hh-retry-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_ReplyLostAfterClaimOnA_RetriedOnBIsValidFirstScanAndOtherDeviceReplayed()
    {
        await using var set = await ReplicaSet.StartAsync(2);
        await using var proxy = new LoopbackProxy(set[0].Address);
        var license = await TestData.CreateLicenseAsync(set[0]);
        // Both replicas check one-time use against Redis (not LOCAL_ONLY), so B sees A's claim.
        await PrivateReplicas.WaitUntilSharedAsync(set[0], license.LicenseNumber);
        await PrivateReplicas.WaitUntilSharedAsync(set[1], license.LicenseNumber);
        using var session = new RpcSession(ReplicaSet.Options([proxy.Address, set[1].Address], retries: 3, device: Device));

        // Round robin decides which replica gets the first attempt: scan fresh codes until one lands on A.
        string? payload = null;
        VerifyCredentialResponse? shown = null;
        for (var attempt = 0; attempt < 6 && payload is null; attempt++)
        {
            var code = await TestData.IssueAsync(set[0], license.LicenseNumber);
            var aBefore = set.Counters[0].Calls("VerifyCredential");
            set.Counters[0].AfterNextVerify = proxy.Cut;
            var response = await session.VerifyAsync(new VerifyCredentialRequest { QrPayload = code, DeviceId = Device }, Ct);
            if (set.Counters[0].Calls("VerifyCredential") > aBefore)
            {
                payload = code;
                shown = response;
            }
            else
            {
                set.Counters[0].AfterNextVerify = null;
                Assert.Equal(Verdict.Valid, response.Verdict);
            }
        }

        Assert.NotNull(payload);
        // A decided a first scan and claimed it; its reply never arrived. B, asked again with the same request, met that claim.
        Assert.False(set.Counters[0].LastVerify!.RepeatScan);
        Assert.True(set.Counters[1].LastVerify!.RepeatScan, "B should have met A's claim (a repeat scan by this device)");
        Assert.Equal(Verdict.Valid, shown!.Verdict);
        Assert.False(shown.RepeatScan);
        Assert.Null(shown.FirstScanTime);

        var other = await PrivateReplicas.ScanAsync(set[1], payload, "hh-retry-2");
        Assert.Equal(Verdict.Replayed, other.Verdict);
    }
}
