using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Testing;
using GoogleDate = Google.Type.Date;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Tests;

public sealed class OtherViewsTests
{
    private static Vehicle Vehicle() => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAU2180N2183294",
        OwnerName = "王芳",
        Model = "比亚迪 秦PLUS",
        Statuses = { VehicleStatus.Mortgaged },
        InspectionValidUntilDate = new GoogleDate { Year = 2026, Month = 1, Day = 31 },
        InsuranceValidUntilDate = new GoogleDate { Year = 2025, Month = 12, Day = 31 },
    };

    [Fact]
    public void LicenseView_LongTermNotValid_ShowsReasonsAndLongTerm()
    {
        var license = Samples.License(LicenseStatus.PointsExceeded, 12);
        license.ValidUntilDate = null;
        var response = new GetLicenseResponse { License = license, ValidNow = false, Freshness = Samples.Fresh() };
        response.NotValidReasons.Add(NotValidReason.PointsExceeded);
        var console = new TestConsole().Width(160);

        LicenseView.Render(console, response, Samples.Clock());

        Assert.Contains("NOT VALID NOW", console.Output, StringComparison.Ordinal);
        Assert.Contains("12 or more points", console.Output, StringComparison.Ordinal);
        Assert.Contains("长期 (long-term)", console.Output, StringComparison.Ordinal);
        Assert.Contains("12/12", console.Output, StringComparison.Ordinal);
        Assert.Contains(Samples.MaskedNumber, console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TransferView_Blocked_ShowsNotEligibleWithCodes()
    {
        var response = new CheckTransferEligibilityResponse
        {
            Eligible = false,
            Vehicle = Vehicle(),
            Blocks =
            {
                new TransferBlock { Reason = TransferBlockReason.Mortgaged, Message = "mortgage registered 2023-04-01" },
                new TransferBlock { Reason = TransferBlockReason.UnprocessedViolations },
            },
            Freshness = Samples.Fresh(),
        };
        var console = new TestConsole().Width(160);

        VehicleView.Render(console, response, Samples.Clock());

        Assert.Contains("NOT ELIGIBLE", console.Output, StringComparison.Ordinal);
        Assert.Contains("registered mortgage [MORTGAGED] — mortgage registered 2023-04-01", console.Output, StringComparison.Ordinal);
        Assert.Contains("[UNPROCESSED_VIOLATIONS]", console.Output, StringComparison.Ordinal);
        Assert.Contains("京A12345 (02 small)", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TransferView_Eligible_ShowsEligible()
    {
        var console = new TestConsole().Width(160);

        VehicleView.Render(console, new CheckTransferEligibilityResponse { Eligible = true, Vehicle = Vehicle() }, Samples.Clock());

        Assert.Contains("ELIGIBLE", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT ELIGIBLE", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void VehicleView_ExpiredInsurance_ShowsNotOk()
    {
        var response = new CheckVehicleResponse { Vehicle = Vehicle(), StatusNormal = false, InspectionValid = true, InsuranceValid = false };
        var console = new TestConsole().Width(160);

        VehicleView.Render(console, response, Samples.Clock());

        Assert.False(VehicleView.IsAllGood(response));
        Assert.Contains("VEHICLE NOT OK", console.Output, StringComparison.Ordinal);
        Assert.Contains("mortgaged", console.Output, StringComparison.Ordinal);
        Assert.Contains("2025-12-31", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ViolationsView_Page_ShowsRowsAndNextToken()
    {
        var response = new ListViolationsResponse
        {
            Violations =
            {
                new Violation
                {
                    ViolationId = "V100",
                    OccurTime = Timestamp.FromDateTimeOffset(Samples.Now.AddDays(-3)),
                    Place = "北京市东城区建国门内大街",
                    Code = "1625",
                    Description = "闯红灯",
                    Points = 6,
                    FineYuan = 200,
                    Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
                    State = ViolationState.Unprocessed,
                    Source = ViolationSource.Camera,
                },
            },
            NextPageToken = "tok-2",
            Summary = new ViolationSummary { UnprocessedCount = 1, UnprocessedPoints = 6, UnprocessedFineYuan = 200 },
        };
        var console = new TestConsole().Width(200);

        ViolationsView.Render(console, response, Samples.Clock());

        Assert.Contains("1625", console.Output, StringComparison.Ordinal);
        Assert.Contains("闯红灯", console.Output, StringComparison.Ordinal);
        Assert.Contains("unprocessed", console.Output, StringComparison.Ordinal);
        Assert.Contains("--page-token tok-2", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysView_Keys_ShowsTable()
    {
        var response = new ListIssuerKeysResponse
        {
            Issuer = "elicense.example",
            MaxClockSkewSeconds = 30,
            Keys = { new IssuerKey { KeyId = "k2025a", Algorithm = "ES256", Signing = true } },
        };
        var console = new TestConsole().Width(160);

        KeysView.Render(console, response, Samples.Clock());

        Assert.Contains("k2025a", console.Output, StringComparison.Ordinal);
        Assert.Contains("ES256", console.Output, StringComparison.Ordinal);
        Assert.Contains("no lower bound", console.Output, StringComparison.Ordinal);
        Assert.Contains("max clock skew: 30s", console.Output, StringComparison.Ordinal);
        Assert.Contains("no credential policy published", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysView_PublishedPolicy_ShowsItsLimits()
    {
        var response = new ListIssuerKeysResponse
        {
            Issuer = "elicense.example",
            MaxClockSkewSeconds = 30,
            DocumentPolicies = { new DocumentPolicy { DocumentType = CredentialDocumentType.DrivingLicense, Prefix = "EDL1:", MaxPayloadLength = 2048, MaxLifetimeSeconds = 600 } },
        };
        var console = new TestConsole().Width(160);

        KeysView.Render(console, response, Samples.Clock());

        Assert.Contains("licence credentials: prefix EDL1:  max length: 2048  max lifetime: 600s", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("no credential policy", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void IssueView_WithQr_DrawsQrThenPayloadLine()
    {
        const string payload = "EDL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE";
        var response = new IssueCredentialResponse
        {
            QrPayload = payload,
            ExpireTime = Timestamp.FromDateTimeOffset(Samples.Now.AddMinutes(3)),
            IssueTime = Timestamp.FromDateTimeOffset(Samples.Now),
            TokenId = "ab12",
            KeyId = "k2025a",
        };
        var console = new TestConsole().Width(160).Colors(ColorSystem.NoColors);

        IssueView.Render(console, response, showQr: true, Samples.Clock());

        var lines = console.Lines;
        var payloadLine = lines.ToList().IndexOf(payload);
        Assert.True(payloadLine > 10, "the payload follows the QR code on its own line");
        Assert.Contains(lines.Take(payloadLine), l => l.Contains('█', StringComparison.Ordinal));
        Assert.Contains("expires 2025-03-01 08:33:00", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteQr_PlainConsole_DrawsLightModulesAsInk()
    {
        var console = new TestConsole().Width(160).SupportsAnsi(false);

        IssueView.WriteQr(console, "EDL1:ABC");

        Assert.Equal(new string('█', console.Lines[0].Length), console.Lines[0]);
    }

    [Fact]
    public void WriteQr_AnsiColourConsole_DrawsDarkModulesBlackOnWhite()
    {
        var console = new TestConsole().Width(160).SupportsAnsi(true).Colors(ColorSystem.Standard).EmitAnsiSequences();

        IssueView.WriteQr(console, "EDL1:ABC");

        // Black on bright white (SGR 30;107), and the quiet zone is blank: the ink is the dark modules.
        Assert.Contains("\u001b[30;107m", console.Output, StringComparison.Ordinal);
        Assert.Contains("█▀▀▀▀▀█", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('█', 20), console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void IssueView_NoQr_PrintsPayloadFirst()
    {
        var console = new TestConsole().Width(160);

        IssueView.Render(console, new IssueCredentialResponse { QrPayload = "EDL1:ABC" }, showQr: false, Samples.Clock());

        Assert.Equal("EDL1:ABC", console.Lines[0]);
    }

    [Fact]
    public void JsonOutput_Format_IncludesDefaultsAndFullNumber()
    {
        var json = JsonOutput.Format(Samples.Verify(Verdict.Valid));

        Assert.Contains("\"verdict\": \"VERDICT_VALID\"", json, StringComparison.Ordinal);
        Assert.Contains("\"repeatScan\": false", json, StringComparison.Ordinal);
        Assert.Contains(Samples.LicenseNumber, json, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonOutput_ReplayCheckSharedIncomplete_NamesIt()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.ReplayCheck = ReplayCheck.SharedIncomplete;

        var json = JsonOutput.Format(response);

        Assert.Contains("\"replayCheck\": \"REPLAY_CHECK_SHARED_INCOMPLETE\"", json, StringComparison.Ordinal);
    }
}
