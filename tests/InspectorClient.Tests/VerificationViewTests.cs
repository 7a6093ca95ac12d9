using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests;

public sealed class VerificationViewTests
{
    private static string Render(VerifyCredentialResponse response)
    {
        var console = new TestConsole().Width(160);
        VerificationView.Render(console, response, Samples.Clock());
        return console.Output;
    }

    [Fact]
    public void Render_Valid_ShowsValidBannerAndMaskedCard()
    {
        var output = Render(Samples.Verify(Verdict.Valid));

        Assert.Contains("VALID", output, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT VALID", output, StringComparison.Ordinal);
        Assert.Contains("张伟", output, StringComparison.Ordinal);
        Assert.Contains(Samples.MaskedNumber, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.LicenseNumber, output, StringComparison.Ordinal);
        Assert.Contains("C1", output, StringComparison.Ordinal);
        Assert.Contains("normal (A)", output, StringComparison.Ordinal);
        Assert.Contains("2018-05-20 – 2028-05-20", output, StringComparison.Ordinal);
        Assert.Contains("3/12", output, StringComparison.Ordinal);
        Assert.Contains("2 (6 points, ¥400)", output, StringComparison.Ordinal);
        Assert.Contains("source: redis, as of 08:29:58, age 1.2s", output, StringComparison.Ordinal);
        Assert.Contains("a1b2c3d4e5f60718", output, StringComparison.Ordinal);
        Assert.Contains("k2025a", output, StringComparison.Ordinal);
        Assert.Contains("2025-03-01 08:32:30", output, StringComparison.Ordinal);
        Assert.DoesNotContain("⚠", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Revoked_ShowsNotValidAndRevoked()
    {
        var response = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked));
        response.NotValidReasons.Add(NotValidReason.Status);

        var output = Render(response);

        Assert.Contains("NOT VALID", output, StringComparison.Ordinal);
        Assert.Contains("licence revoked (F)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Replayed_ShowsAnotherDeviceAndFirstScan()
    {
        var response = Samples.Verify(Verdict.Replayed);
        response.FirstScanTime = Timestamp.FromDateTimeOffset(Samples.Now.AddMinutes(-1));

        var output = Render(response);

        Assert.Contains("NOT VALID", output, StringComparison.Ordinal);
        Assert.Contains("already scanned by another device", output, StringComparison.Ordinal);
        Assert.Contains("first scanned at 2025-03-01 08:29:00", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Stale_WarnsStaleButKeepsVerdict()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.Freshness = Samples.Fresh(stale: true);

        var output = Render(response);

        Assert.DoesNotContain("NOT VALID", output, StringComparison.Ordinal);
        Assert.Contains("⚠ licence data is STALE", output, StringComparison.Ordinal);
        Assert.Contains("source: memory, as of 08:29:58, age 12m 34s STALE", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RepeatScanAndLocalOnly_ShowsBothWarnings()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.RepeatScan = true;
        response.FirstScanTime = Timestamp.FromDateTimeOffset(Samples.Now.AddSeconds(-20));
        response.ReplayCheck = ReplayCheck.LocalOnly;

        var output = Render(response);

        Assert.Contains("already checked by this device at 2025-03-01 08:29:40", output, StringComparison.Ordinal);
        Assert.Contains("replay check was local only", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReplayCheckSharedIncomplete_ShowsNotAuthoritativeWarning()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.ReplayCheck = ReplayCheck.SharedIncomplete;

        var output = Render(response);

        Assert.Contains("VALID", output, StringComparison.Ordinal);
        Assert.Contains("replay check not authoritative", output, StringComparison.Ordinal);
        Assert.Contains("a reuse may not be caught", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StatusUnavailable_IsNotValidWithWarning()
    {
        var response = new VerifyCredentialResponse { Verdict = Verdict.StatusUnavailable, Credential = Samples.Credential() };
        response.Credential.Snapshot = new CredentialSnapshot { HolderName = "李娜", LicenseNumber = Samples.LicenseNumber, LicenseClass = "C2", Status = LicenseStatus.Normal };

        var output = Render(response);

        Assert.Contains("NOT VALID", output, StringComparison.Ordinal);
        Assert.Contains("fall back to the physical card", output, StringComparison.Ordinal);
        Assert.Contains("Signed snapshot (not live data)", output, StringComparison.Ordinal);
        Assert.Contains("李娜", output, StringComparison.Ordinal);
        Assert.Contains("长期", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Malformed_ShowsReasonAndNoCard()
    {
        var output = Render(new VerifyCredentialResponse { Verdict = Verdict.Malformed, Message = "bad prefix" });

        Assert.Contains("not an electronic licence QR code", output, StringComparison.Ordinal);
        Assert.Contains("server: bad prefix", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Driving licence", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_ValidFreshShared_IsEmpty()
    {
        Assert.Empty(VerificationView.Warnings(Samples.Verify(Verdict.Valid), Samples.Clock()));
    }
}
