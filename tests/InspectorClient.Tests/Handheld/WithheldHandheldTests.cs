using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.V1;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>The console's result card, detail views and CSV export: withheld fields show as withheld, in both languages.</summary>
public sealed class WithheldHandheldTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-withheld-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var console = new TestConsole().Width(140).Height(48);
        console.Write(renderable);
        return console.Output;
    }

    private static LicenceResult Online(VerifyCredentialResponse response) =>
        new() { Sequence = 1, Kind = CheckKind.Scan, Offline = false, CheckedAt = Samples.Now, Response = response };

    [Theory]
    [InlineData(Language.English, "withheld for this role", "Points", "Unprocessed violations", "Probation", "none")]
    [InlineData(Language.Chinese, "本角色无权查看", "记分", "未处理违法", "实习期", "无")]
    public void Card_TransferCaller_ShowsWithheldNeverZeroOrNone(Language language, string withheld, string points, string violations, string probation, string none)
    {
        var output = Render(ResultCardView.Build(Online(WithheldSamples.TransferVerify()), UiText.For(language), Samples.Clock()));

        Assert.DoesNotContain("0/12", output, StringComparison.Ordinal);
        Assert.DoesNotMatch($@"{violations}\s+{none}\b", output);
        Assert.Matches($@"{points}\s+{withheld}", output);
        Assert.Matches($@"{violations}\s+{withheld}", output);
        Assert.Matches($@"{probation}\s+{withheld}", output);
        Assert.Contains(Samples.MaskedNumber, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_TransferSnapshotOnly_HolderWithheld()
    {
        var output = Render(ResultCardView.Build(Online(WithheldSamples.TransferSnapshotOnly()), UiText.English, Samples.Clock()));

        Assert.Matches(@"Holder\s+withheld for this role", output);
    }

    [Theory]
    [InlineData(Language.English, "Holder: withheld for this role")]
    [InlineData(Language.Chinese, "持证人: 本角色无权查看")]
    public void Card_CompactTransferCaller_SaysHolderWithheld(Language language, string holder)
    {
        // The compact card (a vehicle or transfer answer open under it) names the holder: a withheld one must say so.
        var output = Render(ResultCardView.Build(Online(WithheldSamples.TransferVerify()), UiText.For(language), Samples.Clock(), compact: true));

        Assert.Contains($"{holder} · {Samples.MaskedNumber} · C1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_Officer_ShowsPointsAndViolations()
    {
        var output = Render(ResultCardView.Build(Online(Samples.Verify(Verdict.Valid)), UiText.English, Samples.Clock()));

        Assert.DoesNotContain("withheld", output, StringComparison.Ordinal);
        Assert.Contains("3/12", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "masked for this role")]
    [InlineData(Language.Chinese, "本角色仅见部分")]
    public void Details_TransferCaller_OwnerShownMasked(Language language, string masked)
    {
        var text = UiText.For(language);

        var vehicle = Render(DetailViews.Build(new Detail.Vehicle(WithheldSamples.TransferVehicle()), text, Samples.Clock()));
        var transfer = Render(DetailViews.Build(new Detail.Transfer(WithheldSamples.TransferEligibility()), text, Samples.Clock()));

        Assert.Contains($"王* ({masked})", vehicle, StringComparison.Ordinal);
        Assert.Contains($"王* ({masked})", transfer, StringComparison.Ordinal);
    }

    [Fact]
    public void LicenceResult_TransferCaller_HolderWithheldNotMissing()
    {
        Assert.True(Online(WithheldSamples.TransferVerify()).HolderWithheld);
        Assert.False(Online(Samples.Verify(Verdict.Valid)).HolderWithheld);
        Assert.False(Online(new VerifyCredentialResponse { Verdict = Verdict.Malformed }).HolderWithheld);
    }

    [Fact]
    public void ShiftCsv_HolderWithheld_CellSaysWithheld()
    {
        HistoryEntry[] history =
        [
            new() { Sequence = 1, At = Samples.Now, Kind = CheckKind.Scan, Subject = Samples.MaskedNumber, HolderWithheld = true, Result = "VALID", ResultCode = "VALID", Tone = Tone.Green },
            new() { Sequence = 2, At = Samples.Now, Kind = CheckKind.Scan, Subject = Samples.MaskedNumber, Result = "NOT VALID", ResultCode = "MALFORMED", Tone = Tone.Red },
        ];

        var lines = ShiftCsv.Format(history, "wang", "hh-1", TimeZoneInfo.Utc).Split("\r\n");

        Assert.Equal($"2025-03-01T08:30:00+00:00,wang,hh-1,scan,{Samples.MaskedNumber},withheld,VALID,,online,,", lines[1]);
        Assert.Equal($"2025-03-01T08:30:00+00:00,wang,hh-1,scan,{Samples.MaskedNumber},,MALFORMED,,online,,", lines[2]);
    }

    [Fact]
    public async Task Export_AfterATransferCallersScan_HolderCellSaysWithheld()
    {
        var backend = new FakeBackend { Verify = _ => WithheldSamples.TransferVerify() };
        using var controller = new HandheldController(
            new HandheldOptions("wang", "hh-1", new Uri("http://127.0.0.1:5080"), TimeSpan.FromSeconds(5), false, _directory, TimeSpan.FromSeconds(10), _directory),
            backend, UiText.English, Samples.Clock(), _ => null, _ => false);
        var path = Path.Combine(_directory, "shift.csv");
        var answers = new Queue<string?>([path]);
        await controller.StartAsync(Ct);

        await controller.HandleAsync(new InputEvent.Line("EDL1:ANYTHING"), (_, _) => Task.FromResult(answers.Count > 0 ? answers.Dequeue() : null), Ct);
        await controller.HandleAsync(new InputEvent.Key(Hotkey.Export), (_, _) => Task.FromResult(answers.Count > 0 ? answers.Dequeue() : null), Ct);

        var row = File.ReadAllLines(path)[1].Split(',');
        Assert.Equal("withheld", row[5]);
        Assert.Equal("VALID", row[6]);
    }
}
