using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console.Testing;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>The console's screen and result card, rendered into a test console in both languages.</summary>
public sealed class ScreenTests
{
    private static string Render(Spectre.Console.Rendering.IRenderable renderable, int width = 140)
    {
        var console = new TestConsole().Width(width).Height(48);
        console.Write(renderable);
        return console.Output;
    }

    private static LicenceResult Online(VerifyCredentialResponse response, CheckKind kind = CheckKind.Scan) => new()
    {
        Sequence = 1,
        Kind = kind,
        Offline = false,
        CheckedAt = Samples.Now,
        Response = response,
    };

    private static LicenceResult OfflineValid()
    {
        var response = new VerifyCredentialResponse
        {
            Verdict = Verdict.Valid,
            Credential = Samples.Credential(),
            VerifyTime = Timestamp.FromDateTimeOffset(Samples.Now),
        };
        response.Credential.Snapshot = new CredentialSnapshot
        {
            LicenseNumber = Samples.LicenseNumber,
            HolderName = "张伟",
            LicenseClass = "A2D",
            Status = LicenseStatus.Normal,
            ValidFromDate = new Google.Type.Date { Year = 2018, Month = 5, Day = 20 },
        };
        return new LicenceResult { Sequence = 2, Kind = CheckKind.Scan, Offline = true, CheckedAt = Samples.Now, Response = response, QueueId = "q1" };
    }

    [Fact]
    public void Card_ValidOnline_ShowsBannerHolderClassEntitlementPointsProbationFreshness()
    {
        var output = Render(ResultCardView.Build(Online(Samples.Verify(Verdict.Valid)), UiText.English, Samples.Clock()));

        Assert.Contains("✔  VALID", output, StringComparison.Ordinal);
        Assert.Contains("张伟", output, StringComparison.Ordinal);
        Assert.Contains(Samples.MaskedNumber, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.LicenseNumber, output, StringComparison.Ordinal);
        Assert.Contains("C1 small car", output, StringComparison.Ordinal);
        Assert.Contains("C1 C2 C3 C4", output, StringComparison.Ordinal);
        Assert.Contains("3/12", output, StringComparison.Ordinal);
        Assert.Contains("Probation", output, StringComparison.Ordinal);
        Assert.Contains("2 (6 points, ¥400)", output, StringComparison.Ordinal);
        Assert.Contains("shared cache, as of 08:29:58, 1.2s old", output, StringComparison.Ordinal);
        Assert.Contains("2018-05-20 – 2028-05-20", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_ValidOnline_InChinese()
    {
        var output = Render(ResultCardView.Build(Online(Samples.Verify(Verdict.Valid)), UiText.Chinese, Samples.Clock()));

        Assert.Contains("✔  有效", output, StringComparison.Ordinal);
        Assert.Contains("持证人", output, StringComparison.Ordinal);
        Assert.Contains("C1 小型汽车", output, StringComparison.Ordinal);
        Assert.Contains("可驾驶", output, StringComparison.Ordinal);
        Assert.Contains("实习期", output, StringComparison.Ordinal);
        Assert.Contains("2 起（6 分，罚款 ¥400）", output, StringComparison.Ordinal);
        Assert.Contains("共享缓存，数据时间 08:29:58", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "✘  NOT VALID", "✗ licence revoked (F)", "✗ 12 or more points in the current cycle")]
    [InlineData(Language.Chinese, "✘  无效", "✗ 驾驶证吊销 (F)", "✗ 本记分周期已满 12 分")]
    public void Card_Revoked_IsRedWithEveryReasonInWords(Language language, string banner, string status, string points)
    {
        var response = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked, points: 12));
        response.NotValidReasons.Add(NotValidReason.Status);
        response.NotValidReasons.Add(NotValidReason.PointsExceeded);
        var result = Online(response);

        var output = Render(ResultCardView.Build(result, UiText.For(language), Samples.Clock()));

        Assert.Equal(Tone.Red, result.Tone);
        Assert.Contains(banner, output, StringComparison.Ordinal);
        Assert.Contains(status, output, StringComparison.Ordinal);
        Assert.Contains(points, output, StringComparison.Ordinal);
        Assert.Contains("12/12", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "⚠  VALID", "already checked by this device at 2025-03-01 08:00:00")]
    [InlineData(Language.Chinese, "⚠  有效", "本设备已于 2025-03-01 08:00:00 查验过此码")]
    public void Card_RepeatScan_IsAmberWithWhenFirstChecked(Language language, string banner, string warning)
    {
        var response = Samples.Verify(Verdict.Valid);
        response.RepeatScan = true;
        response.FirstScanTime = Timestamp.FromDateTimeOffset(Samples.Now.AddMinutes(-30));
        var result = Online(response);

        var output = Render(ResultCardView.Build(result, UiText.For(language), Samples.Clock()));

        Assert.Equal(Tone.Amber, result.Tone);
        Assert.Contains(banner, output, StringComparison.Ordinal);
        Assert.Contains(warning, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_StaleData_IsAmberWithAge()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.Freshness = Samples.Fresh(stale: true);
        var result = Online(response);

        var output = Render(ResultCardView.Build(result, UiText.English, Samples.Clock()));

        Assert.Equal(Tone.Amber, result.Tone);
        Assert.Contains("licence data is STALE (registry unreachable), 12m 34s old", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "⚠  VALID", "replay check not authoritative: the shared record may have lost scans")]
    [InlineData(Language.Chinese, "⚠  有效", "重放检查不具权威性")]
    public void Card_ReplayCheckSharedIncomplete_IsAmberSaysSoInWords(Language language, string banner, string warning)
    {
        var response = Samples.Verify(Verdict.Valid);
        response.ReplayCheck = ReplayCheck.SharedIncomplete;
        var result = Online(response);

        var output = Render(ResultCardView.Build(result, UiText.For(language), Samples.Clock()), width: 200);

        Assert.Equal(Tone.Amber, result.Tone);
        Assert.Contains(banner, output, StringComparison.Ordinal);
        Assert.Contains(warning, output, StringComparison.Ordinal);
        Assert.Equal("REPLAY_CHECK_SHARED_INCOMPLETE", Verdicts.ReasonCodes(result));
    }

    [Theory]
    [InlineData(Language.English, "⚠  VALID — OFFLINE", "OFFLINE — live status not checked", "Signed snapshot (at issue, not live)", "not in the signed snapshot", "A2 tractor-trailer · D three-wheeled motorcycle")]
    [InlineData(Language.Chinese, "⚠  有效 — 离线", "离线 — 未核验实时状态", "签名快照（签发时，非实时）", "快照中无此项", "A2 牵引车 · D 普通三轮摩托车")]
    public void Card_Offline_IsAmberLabelledWithTheSignedSnapshot(Language language, string banner, string label, string card, string missing, string classes)
    {
        var result = OfflineValid();

        var output = Render(ResultCardView.Build(result, UiText.For(language), Samples.Clock()));

        Assert.Equal(Tone.Amber, result.Tone);
        Assert.Contains(banner, output, StringComparison.Ordinal);
        Assert.Contains(label, output, StringComparison.Ordinal);
        Assert.Contains(card, output, StringComparison.Ordinal);
        Assert.Contains(missing, output, StringComparison.Ordinal);
        Assert.Contains(classes, output, StringComparison.Ordinal);
        Assert.Contains("B1 B2 C1 C2 C3 C4 C6 D E F M", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_StatusUnavailable_IsAmberNotConfirmed()
    {
        var response = new VerifyCredentialResponse { Verdict = Verdict.StatusUnavailable, Credential = Samples.Credential() };
        var result = Online(response);

        var output = Render(ResultCardView.Build(result, UiText.English, Samples.Clock()));

        Assert.Equal(Tone.Amber, result.Tone);
        Assert.Contains("NOT CONFIRMED", output, StringComparison.Ordinal);
        Assert.Contains("licence status unavailable", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_Compact_KeepsVerdictAndHolderOnFewLines()
    {
        var output = Render(ResultCardView.Build(Online(Samples.Verify(Verdict.Valid)), UiText.English, Samples.Clock(), compact: true));

        Assert.Contains("✔ VALID", output, StringComparison.Ordinal);
        Assert.Contains($"张伟 · {Samples.MaskedNumber} · C1 · normal (A)", output, StringComparison.Ordinal);
        Assert.True(output.Split('\n').Length <= 3);
    }

    [Theory]
    [InlineData(Language.English, "officer wang", "device hh-1", "● ONLINE RTT 12 ms", "queued 1", "Shift history", "V  vehicle", "exported")]
    [InlineData(Language.Chinese, "警员 wang", "设备 hh-1", "● 在线 往返 12 ms", "待同步 1", "本班记录", "V  查车辆", "exported")]
    public void Screen_Full_HasHeaderResultHistoryAndKeys(
        Language language, string officer, string device, string online, string queued, string history, string key, string message)
    {
        var text = UiText.For(language);
        var state = new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/")
        {
            Connection = ConnectionState.Online,
            RoundTrip = TimeSpan.FromMilliseconds(12),
            KeysFetchedAt = Samples.Now,
            Queued = 1,
            Current = Online(Samples.Verify(Verdict.Valid)),
            Message = ("exported", Tone.Green),
        };
        state.History.Add(new HistoryEntry
        {
            Sequence = 1, At = Samples.Now, Kind = CheckKind.Scan, Subject = Samples.MaskedNumber, Result = text.Valid, ResultCode = "VALID",
            Tone = Tone.Amber, Offline = true, Sync = SyncState.Pending,
        });

        var output = Render(HandheldScreen.Build(state, text, Samples.Clock(), 140, 40));

        Assert.Contains(officer, output, StringComparison.Ordinal);
        Assert.Contains(device, output, StringComparison.Ordinal);
        Assert.Contains(online, output, StringComparison.Ordinal);
        Assert.Contains(queued, output, StringComparison.Ordinal);
        Assert.Contains(history, output, StringComparison.Ordinal);
        Assert.Contains("110101…803X", output, StringComparison.Ordinal);
        Assert.Contains(text.SyncPending, output, StringComparison.Ordinal);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Equal(40, output.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Header_KeysFetchedOnAnEarlierDay_ShowsTheDateInAmber()
    {
        var state = new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/") { KeysFetchedAt = Samples.Now.AddDays(-3).AddMinutes(5) };

        var header = HandheldScreen.HeaderMarkup(state, UiText.English, Samples.Clock());

        Assert.Contains("keys 2025-02-26 08:35[/]", header, StringComparison.Ordinal);
        Assert.Contains($"[{ELicense.Client.Rendering.Palette.Amber}]keys 2025-02-26", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_KeysFetchedToday_ShowsTheTime()
    {
        var state = new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/") { KeysFetchedAt = Samples.Now.AddMinutes(-5) };

        Assert.Contains("keys 08:25:00", HandheldScreen.HeaderMarkup(state, UiText.English, Samples.Clock()), StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_Offline_SaysSoInTheHeader()
    {
        var state = new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/") { Connection = ConnectionState.Offline };

        var output = Render(HandheldScreen.Build(state, UiText.English, Samples.Clock(), 80, 30), width: 80);

        Assert.Contains("● OFFLINE", output, StringComparison.Ordinal);
        Assert.Contains("no keys cached", output, StringComparison.Ordinal);
        Assert.Contains("Scan a QR code", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_ToAPipe_FlowsAtNaturalHeight()
    {
        var state = new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/") { Connection = ConnectionState.Online, Current = Online(Samples.Verify(Verdict.Valid)) };

        var output = Render(HandheldScreen.Build(state, UiText.English, Samples.Clock(), 140, 40, fullScreen: false));

        Assert.Contains("✔  VALID", output, StringComparison.Ordinal);
        Assert.Contains("officer wang", output, StringComparison.Ordinal);
        Assert.True(output.TrimEnd('\n').Split('\n').Length < 40);
    }

    [Fact]
    public void Screen_NarrowHeader_TakesASecondLineRatherThanLosingTheQueue()
    {
        var state = new HandheldState("a-rather-long-officer-name", "a-rather-long-device-id", "http://127.0.0.1:5080/") { Queued = 3 };

        var output = Render(HandheldScreen.Build(state, UiText.English, Samples.Clock(), 80, 30), width: 80);

        Assert.Contains("queued 3", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "Queued offline checks re-verified online", "DIFFERS", "NOT VALID: licence revoked (F)", "the live answer differs")]
    [InlineData(Language.Chinese, "离线查验在线复核结果", "不一致", "无效：驾驶证吊销 (F)", "实时结论与离线结论不一致")]
    public void SyncReport_LiveAnswerDiffers_IsFlagged(Language language, string title, string differs, string live, string note)
    {
        var check = new QueuedCheck("q1", "EDL1:…", "hh-1", Samples.Now, Verdict.Valid, "t", Samples.LicenseNumber, null);
        var revoked = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked));
        revoked.NotValidReasons.Add(NotValidReason.Status);
        revoked.License.UpdateTime = Timestamp.FromDateTimeOffset(Samples.Now.AddMinutes(2));
        var result = SyncRules.Compare(check, revoked, lookup: null);

        var output = Render(DetailViews.Build(new Detail.Sync([result]), UiText.For(language), Samples.Clock()));

        Assert.Contains(title, output, StringComparison.Ordinal);
        Assert.Contains(differs, output, StringComparison.Ordinal);
        Assert.Contains(live, output, StringComparison.Ordinal);
        Assert.Contains(note, output, StringComparison.Ordinal);
        Assert.Contains("2025-03-01 08:32:00", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "TRANSFER NOT ELIGIBLE", "registered mortgage", "mortgaged")]
    [InlineData(Language.Chinese, "不可过户", "已办理抵押登记", "抵押")]
    public void Transfer_Blocked_ListsEveryReason(Language language, string heading, string reason, string status)
    {
        var response = new CheckTransferEligibilityResponse
        {
            Eligible = false,
            Vehicle = new Vehicle { Plate = new Plate { Number = "京A12345", Type = PlateType.Small }, Model = "比亚迪 秦PLUS", Statuses = { VehicleStatus.Mortgaged } },
            Freshness = Samples.Fresh(),
        };
        response.Blocks.Add(new TransferBlock { Reason = TransferBlockReason.Mortgaged });

        var output = Render(DetailViews.Build(new Detail.Transfer(response), UiText.For(language), Samples.Clock()));

        Assert.Contains(heading, output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.Contains(status, output, StringComparison.Ordinal);
        Assert.Contains("京A12345", output, StringComparison.Ordinal);
    }
}
