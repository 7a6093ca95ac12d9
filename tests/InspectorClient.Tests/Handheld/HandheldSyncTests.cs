using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Tests.Offline;
using ELicense.V1;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>
/// The console's offline queue meeting the server again: when it is synced (a due probe, the server answering
/// anything after an outage, the officer's key), what each outcome looks like, and that a refusal learned at
/// sync time holds for a later offline scan of the same code.
/// </summary>
public sealed class HandheldSyncTests : HandheldTestsBase
{
    [Fact]
    public async Task Tick_BeforeTheProbeInterval_DoesNotCallTheServer()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        _time.Advance(TimeSpan.FromSeconds(9));
        await Handle(controller, new InputEvent.Tick());
        Assert.Empty(_backend.Calls);

        // The interval counts from the start of the last probe: due at exactly 10 s.
        _time.Advance(TimeSpan.FromSeconds(1));
        await Handle(controller, new InputEvent.Tick());
        Assert.Equal(["keys"], _backend.Calls);
    }

    [Fact]
    public async Task Scan_ServerAnswersAgainAfterAnOutage_SyncsTheQueueWithoutWaitingForAProbe()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        Assert.Equal(1, controller.State.Queued);
        _backend.Reachable = true;
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        // The scan's own call, then the queued check's re-verification: no probe in between.
        Assert.Equal(["verify", "verify"], _backend.Calls);
        Assert.Equal(0, controller.State.Queued);
        Assert.Equal(SyncState.Confirmed, controller.State.History[0].Sync);
    }

    [Fact]
    public async Task SyncKey_ForcedOffline_NeedsTheConnectionWithoutACall()
    {
        using var controller = Create(forcedOffline: true);
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Key(Hotkey.Sync));

        Assert.Empty(_backend.Calls);
        Assert.Equal((UiText.English.NeedsConnection, Tone.Amber), controller.State.Message!.Value);
    }

    [Fact]
    public async Task SyncKey_ServerStillUnreachable_ProbesAndSaysStillOffline()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Key(Hotkey.Sync));

        Assert.Equal(["keys"], _backend.Calls);
        Assert.Equal(ConnectionState.Offline, controller.State.Connection);
        Assert.Equal((UiText.English.StillOffline, Tone.Amber), controller.State.Message!.Value);
    }

    [Fact]
    public async Task SyncKey_NothingQueued_ProbesAndSaysSo()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Calls.Clear();

        await Handle(controller, new InputEvent.Key(Hotkey.Sync));

        Assert.Equal(["keys"], _backend.Calls);
        Assert.Equal((UiText.English.NothingQueued, Tone.Grey), controller.State.Message!.Value);
    }

    [Fact]
    public async Task Scan_RefusedAtSyncThenScannedAgainOffline_StaysRefused()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        var payload = _issuer.Issue(Samples.Now);
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(payload));
        Assert.Equal(Verdict.Valid, controller.State.Current!.Response.Verdict);
        _backend.Reachable = true;
        using var verifier = new OfflineVerifier(_issuer.Keys(Samples.Now), _time);
        _backend.Verify = p =>
        {
            // By sync time the server has seen this very code on another device.
            var answer = verifier.Verify(p);
            answer.Verdict = Verdict.Replayed;
            return answer;
        };
        await Handle(controller, new InputEvent.Key(Hotkey.Sync));
        Assert.Equal(SyncState.Differs, controller.State.History[0].Sync);
        _backend.Reachable = false;
        _time.Advance(TimeSpan.FromSeconds(30));

        // The connection drops again and the same code is scanned: its signature still verifies offline.
        await Handle(controller, new InputEvent.Line(payload));

        var current = controller.State.Current!;
        Assert.True(current.Offline);
        Assert.Equal(Verdict.Replayed, current.Response.Verdict);
        Assert.Equal(Tone.Red, current.Tone);
        Assert.Equal(0, controller.State.Queued);
    }

    [Fact]
    public async Task Reconnect_QueuedCheckRevokedSince_IsFlaggedDiffers()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        _backend.Reachable = true;
        _backend.Verify = _ =>
        {
            var revoked = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked));
            revoked.NotValidReasons.Add(NotValidReason.Status);
            return revoked;
        };

        // Idle long enough for the next probe: the connection is back, the queue goes at once.
        _time.Advance(TimeSpan.FromSeconds(10));
        await Handle(controller, new InputEvent.Tick());

        var sync = Assert.IsType<Detail.Sync>(controller.State.Detail);
        Assert.Equal(SyncOutcome.Differs, Assert.Single(sync.Results).Outcome);
        Assert.Equal(SyncState.Differs, controller.State.History[^1].Sync);
        Assert.Equal("LICENSE_NOT_VALID", controller.State.History[^1].LiveResultCode);
        Assert.Equal(0, controller.State.Queued);
        Assert.Empty(OfflineQueue.Load(_directory, Samples.Now).Items);
        Assert.Equal(Tone.Red, controller.State.Message!.Value.Tone);
    }

    [Fact]
    public async Task Reconnect_CodeExpiredBySyncTime_AsksForTheLicencesLiveStatus()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        _backend.Reachable = true;
        _backend.Verify = _ => new VerifyCredentialResponse { Verdict = Verdict.CredentialExpired };

        await Handle(controller, new InputEvent.Key(Hotkey.Sync));

        Assert.Contains("license RoadsideCheck", _backend.Calls);
        Assert.Equal(SyncState.Confirmed, controller.State.History[^1].Sync);
        Assert.Equal("VALID_NOW", controller.State.History[^1].LiveResultCode);
    }

    [Fact]
    public async Task Reconnect_UnknownKeyCheckExpiredBySyncTime_IsSettledByTheLicenceFromTheLiveAnswer()
    {
        // A key the handheld's cache did not have yet: no claims offline, so no licence number in the queue.
        using var newKey = new TestIssuer();
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(newKey.Issue(Samples.Now)));
        Assert.Equal(Verdict.UnknownKey, controller.State.Current!.Response.Verdict);
        Assert.Null(Assert.Single(controller.Queue.Items).LicenseNumber);
        _backend.Reachable = true;
        // By sync time the code has expired; the server knows the key and names the licence in the verified claims.
        _backend.Verify = _ => new VerifyCredentialResponse
        {
            Verdict = Verdict.CredentialExpired,
            Credential = new CredentialInfo { Snapshot = new CredentialSnapshot { LicenseNumber = Samples.LicenseNumber } },
        };

        await Handle(controller, new InputEvent.Key(Hotkey.Sync));

        Assert.Contains("license RoadsideCheck", _backend.Calls);
        Assert.Equal(0, controller.State.Queued);
        Assert.Equal(SyncState.Differs, controller.State.History[^1].Sync);
        Assert.Equal("VALID_NOW", controller.State.History[^1].LiveResultCode);
    }

    [Fact]
    public async Task Restart_QueueFromEarlierShift_IsListedAndSynced()
    {
        using (var first = Create())
        {
            await first.StartAsync(Ct);
            _backend.Reachable = false;
            await Handle(first, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        }

        _backend.Reachable = true;
        using var second = Create();
        await second.StartAsync(Ct);

        var entry = Assert.Single(second.State.History);
        Assert.Equal(SyncState.Confirmed, entry.Sync);
        Assert.Equal(0, second.State.Queued);
    }
}
