using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.V1;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests.Handheld;

public sealed class HandheldControllerTests : HandheldTestsBase
{
    [Fact]
    public async Task Start_ServerReachable_IsOnlineAndCachesKeys()
    {
        using var controller = Create();

        await controller.StartAsync(Ct);

        Assert.Equal(ConnectionState.Online, controller.State.Connection);
        Assert.NotNull(controller.State.RoundTrip);
        Assert.Equal(Samples.Now, controller.State.KeysFetchedAt);
        Assert.Equal(_issuer.KeyIdHex, Assert.Single(new IssuerKeyCache(_directory).Load()!.Keys).KeyId);
    }

    [Fact]
    public async Task Scan_Online_ShowsTheServersAnswer()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));

        Assert.False(controller.State.Current!.Offline);
        Assert.Equal(Verdict.Valid, controller.State.Current.Response.Verdict);
        Assert.Equal(Samples.MaskedNumber, Assert.Single(controller.State.History).Subject);
    }

    [Fact]
    public async Task Scan_ServerUnreachable_VerifiesOfflineAndQueues()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        var current = controller.State.Current!;
        Assert.True(current.Offline);
        Assert.Equal(Verdict.Valid, current.Response.Verdict);
        Assert.Equal(Tone.Amber, current.Tone);
        Assert.Equal(ConnectionState.Offline, controller.State.Connection);
        Assert.Equal(1, controller.State.Queued);
        Assert.Single(OfflineQueue.Load(_directory, Samples.Now).Items);
        Assert.Equal(SyncState.Pending, controller.State.History[^1].Sync);
    }

    [Fact]
    public async Task Scan_SameCodeTwiceOffline_FlagsRepeatAndQueuesOnce()
    {
        using var controller = Create(forcedOffline: true);
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now));
        await controller.StartAsync(Ct);
        var payload = _issuer.Issue(Samples.Now);

        await Handle(controller, new InputEvent.Line(payload));
        _time.Advance(TimeSpan.FromSeconds(20));
        await Handle(controller, new InputEvent.Line(payload));

        Assert.Equal(Samples.Now, controller.State.Current!.OfflineFirstSeen);
        Assert.Equal(1, controller.State.Queued);
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Scan_QueueCannotBeSaved_ShowsTheResultSaysSoAndKeepsTheCheck()
    {
        using var controller = Create(forcedOffline: true);
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now));
        await controller.StartAsync(Ct);
        // The queue's temporary file cannot be created (as a full or read-only disk would refuse it).
        var blocker = Directory.CreateDirectory(Path.Combine(_directory, OfflineQueue.FileName + ".tmp"));

        Assert.True(await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now))));

        Assert.Equal(Verdict.Valid, controller.State.Current!.Response.Verdict);
        Assert.Equal(Tone.Red, controller.State.Message!.Value.Tone);
        Assert.Equal(1, controller.State.Queued);
        blocker.Delete();

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        Assert.Equal(2, OfflineQueue.Load(_directory, Samples.Now).Items.Count);
    }

    [Fact]
    public async Task Scan_SeenOnlineThenOffline_IsARepeatAndNotQueued()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        var payload = _issuer.Issue(Samples.Now);
        using var verifier = new OfflineVerifier(_issuer.Keys(Samples.Now), _time);
        _backend.Verify = p => verifier.Verify(p); // the server's answer carries the same verified claims
        await Handle(controller, new InputEvent.Line(payload));
        _backend.Reachable = false;
        _time.Advance(TimeSpan.FromSeconds(5));

        await Handle(controller, new InputEvent.Line(payload));

        Assert.True(controller.State.Current!.Offline);
        Assert.Equal(Samples.Now, controller.State.Current.OfflineFirstSeen);
        Assert.Equal(0, controller.State.Queued);
    }

    [Theory]
    [InlineData(Verdict.Replayed)]
    [InlineData(Verdict.LicenseNotValid)]
    public async Task Scan_RefusedOnlineThenScannedAgainOffline_StaysRefused(Verdict refusal)
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        var payload = _issuer.Issue(Samples.Now);
        using var verifier = new OfflineVerifier(_issuer.Keys(Samples.Now), _time);
        _backend.Verify = p =>
        {
            // The server verified the same claims and refused the code: shown on another device first, or revoked.
            var answer = verifier.Verify(p);
            answer.Verdict = refusal;
            if (refusal == Verdict.LicenseNotValid)
            {
                answer.License = Samples.License(LicenseStatus.Revoked);
                answer.NotValidReasons.Add(NotValidReason.Status);
            }

            return answer;
        };
        await Handle(controller, new InputEvent.Line(payload));
        Assert.Equal(Tone.Red, controller.State.Current!.Tone);
        _backend.Reachable = false;
        _time.Advance(TimeSpan.FromSeconds(30));

        // The connection drops and the driver asks for a second scan: the signature still verifies offline.
        await Handle(controller, new InputEvent.Line(payload));

        var current = controller.State.Current!;
        Assert.True(current.Offline);
        Assert.Equal(refusal, current.Response.Verdict);
        Assert.Equal(Tone.Red, current.Tone);
        Assert.NotEqual(UiText.English.Valid, Verdicts.Headline(current.Response, UiText.English));
        Assert.Contains(Verdicts.Warnings(current, UiText.English, _time), w => w.Contains("already checked on this device", StringComparison.Ordinal));
        Assert.Equal(Tone.Red, controller.State.Message!.Value.Tone);
        Assert.Equal(0, controller.State.Queued);
    }

    [Fact]
    public async Task Screen_ControlCharactersFromTheServerOrATypedLine_NeverReachTheTerminal()
    {
        // Clear the screen, paint green, a C1 CSI, a bell, a backspace, a right-to-left override.
        const string hostile = "\u001b[2J\u001b[42m VALID \u009b31m\u0007\b\u202e";
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Verify = _ =>
        {
            var answer = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked));
            answer.NotValidReasons.Add(NotValidReason.Status);
            answer.License.HolderName = "张伟" + hostile;
            answer.License.IssuingAuthority = hostile;
            return answer;
        };
        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));
        await Handle(controller, new InputEvent.Line("/tmp/" + hostile + ".png"));
        var console = new TestConsole().Width(140).Height(48);

        console.Write(HandheldScreen.Build(controller.State, UiText.English, _time, 140, 47));

        Assert.DoesNotContain(console.Output, c => ELicense.Inspector.Rendering.TerminalText.IsUnsafe(c) && c != '\n');
        Assert.Contains("张伟\uFFFD[2J", console.Output, StringComparison.Ordinal);
        Assert.Contains("cannot read the image /tmp/\uFFFD[2J", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SecondConsoleOnTheSameCacheDirectory_IsRefused()
    {
        using var first = Create();

        var refused = Assert.Throws<CacheDirectoryInUseException>(() => Create());

        Assert.Contains("another inspector console", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeysCachedFromAnotherServer_AreNotUsedOffline()
    {
        // A training server's keys, cached when the handheld last talked to it: its codes must not pass here.
        new IssuerKeyCache(_directory).Save(_issuer.Keys(Samples.Now) with { Server = "https://training.example:5080/" });
        using var controller = Create(forcedOffline: true);
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        Assert.Null(controller.State.Current);
        Assert.Null(controller.State.KeysFetchedAt);
        Assert.Equal(UiText.English.NoKeysForOffline, controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Start_KeyCacheWithMissingMembers_SaysSoAndStaysUp()
    {
        File.WriteAllText(Path.Combine(_directory, IssuerKeyCache.FileName),
            """{"fetchedAt":"2025-03-01T08:00:00Z","server":"x","issuer":"ELicense","maxClockSkewSeconds":30,"keys":null}""");
        using var controller = Create(forcedOffline: true);

        await controller.StartAsync(Ct);

        Assert.Null(controller.State.KeysFetchedAt);
        Assert.Equal(UiText.English.KeyCacheUnreadable(Path.Combine(_directory, IssuerKeyCache.FileName)), controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Scan_OfflineWithoutKeys_SaysSoAndShowsNoVerdict()
    {
        using var controller = Create(forcedOffline: true);
        await controller.StartAsync(Ct);

        await Handle(controller, new InputEvent.Line(_issuer.Issue(Samples.Now)));

        Assert.Null(controller.State.Current);
        Assert.Equal(UiText.English.NoKeysForOffline, controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task LicenceNumber_WithoutPurpose_AsksAndSendsIt()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _answers.Enqueue("2");

        await Handle(controller, new InputEvent.Line(Samples.LicenseNumber));

        Assert.Contains("license ViolationHandling", _backend.Calls);
        Assert.Equal(CheckKind.Lookup, controller.State.Current!.Kind);
        Assert.Equal(LookupPurpose.ViolationHandling, controller.State.Current.Purpose);
    }

    [Fact]
    public async Task LicenceNumber_PurposeNotGiven_IsRefusedWithoutACall()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _answers.Enqueue("");

        await Handle(controller, new InputEvent.Line(Samples.LicenseNumber));

        Assert.DoesNotContain(_backend.Calls, c => c.StartsWith("license", StringComparison.Ordinal));
        Assert.Equal(UiText.English.PurposeRequired, controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Keys_VehicleAfterALicenceScanThenTransferThenViolations_PairThenUseThePlateAndTheLicence()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));
        _answers.Enqueue("京A12345");

        await Handle(controller, new InputEvent.Key(Hotkey.Vehicle));
        await Handle(controller, new InputEvent.Key(Hotkey.Transfer));
        await Handle(controller, new InputEvent.Key(Hotkey.Violations));

        // V after a licence scan completes the roadside pair (one CheckRoadside call with the typed plate).
        Assert.Equal(["roadside Plate", "transfer 京A12345", "violations LicenseNumber RoadsideCheck"], _backend.Calls.Skip(2));
        Assert.Equal("京A12345", Assert.Single(_backend.RoadsideRequests).Plate.Number);
        Assert.IsType<Detail.Violations>(controller.State.Detail);
        Assert.Equal([CheckKind.Scan, CheckKind.Roadside, CheckKind.Transfer, CheckKind.Violations], controller.State.History.Select(h => h.Kind));
    }

    [Fact]
    public async Task Keys_NewScan_ClearsTheResult()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));

        await Handle(controller, new InputEvent.Key(Hotkey.NewScan));

        Assert.Null(controller.State.Current);
        Assert.Single(controller.State.History);
    }

    [Fact]
    public async Task Keys_Export_WritesTheCsv()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        await Handle(controller, new InputEvent.Line("EDL1:ANYTHING"));
        var path = Path.Combine(_directory, "shift.csv");
        _answers.Enqueue(path);

        await Handle(controller, new InputEvent.Key(Hotkey.Export));

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains(Samples.MaskedNumber, lines[1], StringComparison.Ordinal);
        Assert.Equal(UiText.English.Exported(path), controller.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Keys_Quit_EndsTheShift()
    {
        using var controller = Create();

        Assert.False(await Handle(controller, new InputEvent.Key(Hotkey.Quit)));
        Assert.False(await Handle(controller, new InputEvent.End()));
    }

    [Fact]
    public async Task Offline_LookupByNumber_NeedsTheConnection()
    {
        using var controller = Create();
        await controller.StartAsync(Ct);
        _backend.Reachable = false;

        await Handle(controller, new InputEvent.Line($"{Samples.LicenseNumber} 1"));

        Assert.Null(controller.State.Current);
        Assert.Equal(UiText.English.NeedsConnection, controller.State.Message!.Value.Text);
    }
}
