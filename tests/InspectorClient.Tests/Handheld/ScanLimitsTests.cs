using ELicense.Core.Credentials;
using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Tests.Offline;
using ELicense.V1;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>
/// The console recognises and bounds a scan by the policy the server published with its keys (Core's
/// defaults only while none is cached), and queues a code it could not check offline for want of that policy.
/// </summary>
public sealed class ScanLimitsTests : HandheldTestsBase
{
    [Fact]
    public async Task Scan_ServerPublishedLongerMaxPayload_IsSentToTheServer()
    {
        _backend.Keys.DocumentPolicies[0].MaxPayloadLength = 4096;
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line("EDL1:" + new string('A', 3000)));

        Assert.Equal(4096, controller.Limits.MaxPayloadLength);
        Assert.Equal(["verify"], _backend.Calls);
        Assert.Equal(Verdict.Valid, controller.State.Current!.Response.Verdict);
    }

    [Fact]
    public async Task Scan_PayloadOverThePublishedMaximum_IsMalformedWithoutAsking()
    {
        _backend.Keys.DocumentPolicies[0].MaxPayloadLength = 1024;
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line("EDL1:" + new string('A', 1500)));

        Assert.Empty(_backend.Calls);
        Assert.Equal(UiText.English.Describe(Verdict.Malformed), controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Scan_NoPolicyCached_LargestPublishableBoundBoundsWhatIsSent()
    {
        _backend.Keys.DocumentPolicies.Clear(); // an older server: keys, but no published policy
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line("EDL1:" + new string('A', CredentialPolicy.MaxPayloadLengthBound)));

        Assert.Equal(ScanLimits.Default, controller.Limits);
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Scan_ServerPublishedAnotherPrefix_RecognisesItAndNotTheDefault()
    {
        _backend.Keys.DocumentPolicies[0].Prefix = "EDL2:";
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line("EDL2:ANYTHING"));
        Assert.Equal(["verify"], _backend.Calls);

        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));
        Assert.Equal(["verify"], _backend.Calls);
        Assert.Equal(UiText.English.Unrecognised, controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Scan_OfflineCacheWithoutPolicy_IsQueuedForTheOnlineRecheck()
    {
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now) with { Policies = null });
        using var controller = Create(forcedOffline: true);
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        Assert.Equal(Verdict.StatusUnavailable, controller.State.Current!.Response.Verdict);
        Assert.Equal(1, controller.State.Queued);
        Assert.Equal(Verdict.StatusUnavailable, Assert.Single(OfflineQueue.Load(_directory, Samples.Now).Items).OfflineVerdict);
    }

    [Fact]
    public async Task Scan_OfflinePolicyOutOfBounds_IsQueuedAndRecheckedWhenTheServerAnswers()
    {
        _backend.Reachable = false;
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now) with { Policies = [TestIssuer.Policy(maxLifetimeSeconds: 0)] });
        using var controller = Create();
        await controller.StartAsync(Ct);
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        Assert.Equal(Verdict.StatusUnavailable, controller.State.Current!.Response.Verdict);
        Assert.Equal(1, controller.State.Queued);
        _backend.Reachable = true;
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        // The scan's own call, then the queued check's re-verification.
        Assert.Equal(["verify", "verify"], _backend.Calls);
        Assert.Equal(0, controller.State.Queued);
    }

    [Fact]
    public async Task Scan_OfflineClockSetBack_IsNotQueued()
    {
        // Keys fetched an hour "later" than the clock now reads: the clock was set back.
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now.AddHours(1)));
        using var controller = Create(forcedOffline: true);
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        Assert.Equal(Verdict.StatusUnavailable, controller.State.Current!.Response.Verdict);
        Assert.Equal(0, controller.State.Queued);
        Assert.Empty(OfflineQueue.Load(_directory, Samples.Now).Items);
    }
}
