using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Tests.Offline;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>The roadside pair through the controller: licence and mark in either order, online and offline.</summary>
public sealed class RoadsideFlowTests : HandheldTestsBase
{
    private static string Render(HandheldController controller, int width = 80, int height = 24)
    {
        var console = new TestConsole().Width(width).Height(height);
        console.Write(HandheldScreen.Build(controller.State, controller.Text, Samples.Clock(), width, height));
        return console.Output;
    }

    [Fact]
    public async Task LicenceThenMark_Online_OneCheckRoadsideCallAndOneCard()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));
        Assert.IsType<PendingPart.Licence>(controller.State.Pending);
        await Handle(controller, new InputEvent.Line("EVM1:MARK"));

        var request = Assert.Single(_backend.RoadsideRequests);
        Assert.Equal(("EDL1:LICENCE", "EVM1:MARK", "hh-1"), (request.LicenseQrPayload, request.MarkQrPayload, request.DeviceId));
        Assert.Equal(["keys", "verify", "roadside MarkQrPayload"], _backend.Calls);
        var roadside = controller.State.Roadside!;
        Assert.True(roadside.Response.MayDrive);
        Assert.Equal(Tone.Green, roadside.Tone);
        Assert.Null(controller.State.Pending);
        Assert.Equal([CheckKind.Scan, CheckKind.Roadside], controller.State.History.Select(h => h.Kind));
        Assert.Equal("MAY_DRIVE", controller.State.History[^1].ResultCode);
        Assert.Equal($"{Samples.MaskedNumber} 京A12345 02", controller.State.History[^1].Subject);
    }

    [Fact]
    public async Task LicenceThenMark_ServerCallsTheSecondLookARepeat_NoAlreadyCheckedWarning()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Roadside = _ =>
        {
            var answer = Samples.Roadside();
            answer.LicenseCheck.RepeatScan = true;
            answer.LicenseCheck.FirstScanTime = Timestamp.FromDateTimeOffset(Samples.Now);
            return answer;
        };

        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));
        await Handle(controller, new InputEvent.Line("EVM1:MARK"));

        // The console's own first scan of the pair is not a repeat to warn about; the verdict is the server's.
        Assert.False(controller.State.Roadside!.Response.LicenseCheck.RepeatScan);
        Assert.Equal(Verdict.Valid, controller.State.Roadside.Response.LicenseCheck.Verdict);
        Assert.DoesNotContain("already checked", Render(controller, 140, 45), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkThenLicence_Online_MarkCardThenOneRoadsideCall()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("EVM1:MARK"));
        Assert.NotNull(controller.State.Mark);
        Assert.Equal(UiText.English.ScanLicenceHint, controller.State.Message!.Value.Text);
        // The mark's card at 80×24: the verdict first.
        Assert.Contains("VEHICLE OK", Render(controller), StringComparison.Ordinal);
        _backend.Roadside = _ => Samples.Roadside("H11");
        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));

        Assert.Equal(["keys", "mark", "roadside MarkQrPayload"], _backend.Calls);
        var roadside = controller.State.Roadside!;
        Assert.False(roadside.Response.MayDrive);
        Assert.Equal(Tone.Red, roadside.Tone);
        Assert.Equal([CheckKind.Mark, CheckKind.Roadside], controller.State.History.Select(h => h.Kind));
        var screen = Render(controller);
        Assert.Contains("MAY NOT DRIVE", screen, StringComparison.Ordinal);
        Assert.Contains("needs B2, holds C1 C2 C3 C4", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlateWithoutALicence_StaysAVehicleCheck()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("京A12345"));

        Assert.Equal(["keys", "vehicle 京A12345"], _backend.Calls);
        Assert.Null(controller.State.Roadside);
    }

    [Fact]
    public async Task LicenceThenMark_Offline_ComputedOnTheHandheldLabelledOffline()
    {
        using var controller = Create(forcedOffline: true);
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now));
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        await Handle(controller, new InputEvent.Line(_issuer.IssueMark(TestIssuer.MarkClaims(Samples.Now, vehicleType: "H11"))));

        var roadside = controller.State.Roadside!;
        Assert.True(roadside.Offline);
        Assert.False(roadside.Response.MayDrive);
        Assert.Equal(EntitlementReason.ClassDoesNotCoverVehicle, roadside.Response.Entitlement.Reason);
        Assert.Empty(_backend.Calls);
        // The licence was queued once, at its own scan; the pair does not queue it again.
        Assert.Equal(1, controller.State.Queued);
        var screen = Render(controller);
        Assert.Contains("MAY NOT DRIVE — OFFLINE", screen, StringComparison.Ordinal);
        Assert.Contains("needs B2", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("already checked", screen, StringComparison.Ordinal);
        // The pair's row shares the scan's queued check, so the sync's live answer flags the decision row too.
        var (scan, pair) = (controller.State.History[0], controller.State.History[^1]);
        Assert.NotNull(scan.QueueId);
        Assert.Equal(scan.QueueId, pair.QueueId);
        Assert.Equal(SyncState.Pending, pair.Sync);
    }

    [Fact]
    public async Task MarkThenLicence_ServerUnreachable_MayDriveOfflineInAmber()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;

        await Handle(controller, new InputEvent.Line(_issuer.IssueMark(TestIssuer.MarkClaims(Samples.Now))));
        Assert.True(controller.State.Mark!.Offline);
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        var roadside = controller.State.Roadside!;
        Assert.True(roadside.Offline);
        Assert.True(roadside.Response.MayDrive);
        Assert.Equal(Tone.Amber, roadside.Tone);
        Assert.Equal(1, controller.State.Queued);
        Assert.Equal(SyncState.Pending, controller.State.History[^1].Sync);
        Assert.Contains("MAY DRIVE — OFFLINE", Render(controller), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LicenceThenMark_MarkScannedAfterThePairWindow_NotPairedWithTheOldLicence()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));
        // The next stop: the licence of the previous driver must not be sent with this vehicle's mark.
        _time.Advance(PendingPart.PairWindow + TimeSpan.FromSeconds(1));
        await Handle(controller, new InputEvent.Line("EVM1:MARK"));

        Assert.Empty(_backend.RoadsideRequests);
        Assert.Equal(["keys", "verify", "mark"], _backend.Calls);
        Assert.Null(controller.State.Roadside);
        Assert.IsType<PendingPart.Mark>(controller.State.Pending);
    }

    [Fact]
    public async Task MarkThenLicence_MarkRefusedOnlineThenServerUnreachable_RefusalKeptOffline()
    {
        using var controller = Create();
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now));
        await controller.StartAsync(Ct);
        var mark = _issuer.IssueMark(TestIssuer.MarkClaims(Samples.Now));
        _backend.Mark = _ => new VehicleCheck
        {
            Verdict = VehicleVerdict.NotValid,
            NotValidReasons = { VehicleNotValidReason.Stolen },
            Vehicle = Samples.Car(),
            Freshness = Samples.Fresh(),
            Mark = Samples.MarkInfo(),
        };

        await Handle(controller, new InputEvent.Line(mark));
        _backend.Reachable = false;
        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        // The signed mark alone would verify VALID offline; this device knows the live answer was STOLEN.
        var roadside = controller.State.Roadside!;
        Assert.True(roadside.Offline);
        Assert.False(roadside.Response.MayDrive);
        Assert.Equal(VehicleVerdict.NotValid, roadside.Response.VehicleCheck.Verdict);
        Assert.DoesNotContain("MAY DRIVE — OFFLINE", Render(controller), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LicenceThenTransfer_ThenMark_TheMarkIsNotPairedWithTheLicence()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));
        controller.State.CurrentPlate = new Plate { Number = "京A12345", Type = PlateType.Small };
        await Handle(controller, new InputEvent.Key(Hotkey.Transfer));
        await Handle(controller, new InputEvent.Line("EVM1:MARK"));

        Assert.Empty(_backend.RoadsideRequests);
    }

    [Fact]
    public async Task LicenceThenPlate_Offline_SaysThePlateNeedsTheServer()
    {
        using var controller = Create(forcedOffline: true);
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now));
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));
        await Handle(controller, new InputEvent.Line("京A12345"));

        Assert.Null(controller.State.Roadside);
        Assert.Equal(UiText.English.PlateNeedsServer, controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Card_Chinese_ShowsTheMatchInChinese()
    {
        using var controller = Create(text: UiText.Chinese);
        await controller.StartAsync(Ct);
        _backend.Roadside = _ => Samples.Roadside("H11");

        await Handle(controller, new InputEvent.Line("EDL1:LICENCE"));
        await Handle(controller, new InputEvent.Line("EVM1:MARK"));

        var screen = Render(controller, 140, 45);
        Assert.Contains("不得驾驶", screen, StringComparison.Ordinal);
        Assert.Contains("准驾车型不符", screen, StringComparison.Ordinal);
    }
}
