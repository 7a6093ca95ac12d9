using ELicense.V1;
using Spectre.Console;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders a credential verification: verdict banner, reasons, warnings, licence card, credential.</summary>
public static class VerificationView
{
    /// <summary>Writes the whole view.</summary>
    public static void Render(IAnsiConsole console, VerifyCredentialResponse response, TimeProvider time)
    {
        var valid = response.Verdict == Verdict.Valid;
        console.Write(valid ? Banner.Create("VALID", Palette.Green) : Banner.Create("NOT VALID", Palette.Red));

        foreach (var reason in VerdictText.NotValidReasons(response))
        {
            console.MarkupLine($"[bold {Palette.Red}]✗ {Markup.Escape(reason)}[/]");
        }

        if (!valid && response.Verdict == Verdict.Replayed && response.FirstScanTime is not null)
        {
            console.MarkupLine($"[{Palette.Red}]  first scanned at {Formats.LocalDateTime(response.FirstScanTime, time)}[/]");
        }

        foreach (var warning in Warnings(response, time))
        {
            console.Write(Banner.Warning(warning));
            console.WriteLine();
        }

        if (!string.IsNullOrWhiteSpace(response.Message))
        {
            console.MarkupLine($"[grey]server: {Markup.Escape(response.Message)}[/]");
        }

        var withheld = Withholding.Of(response);
        if (response.License is not null)
        {
            console.Write(LicenseCard.Build(response.License, response.Violations, response.Freshness, time, withheld: withheld));
        }
        else if (response.Credential?.Snapshot is not null)
        {
            console.Write(LicenseCard.BuildSnapshot(response.Credential.Snapshot, withheld));
        }

        if (response.Credential is not null)
        {
            var credential = response.Credential;
            console.MarkupLine(
                $"[grey]credential[/] {Markup.Escape(credential.TokenId)}  [grey]key[/] {Markup.Escape(credential.KeyId)}  " +
                $"[grey]expires[/] {Formats.LocalDateTime(credential.ExpireTime, time)}");
        }
    }

    /// <summary>The amber warnings that apply: repeat scan, stale data, local-only or incomplete replay check, status unavailable.</summary>
    public static IReadOnlyList<string> Warnings(VerifyCredentialResponse response, TimeProvider time)
    {
        var warnings = new List<string>();
        if (response.RepeatScan)
        {
            warnings.Add($"already checked by this device at {Formats.LocalDateTime(response.FirstScanTime, time)}");
        }

        if (response.Freshness?.Stale == true)
        {
            warnings.Add($"licence data is STALE (registry unreachable; {Formats.Freshness(response.Freshness, time)})");
        }

        if (response.ReplayCheck == ReplayCheck.LocalOnly)
        {
            warnings.Add("replay check was local only: a reuse on another server would not be caught");
        }
        else if (response.ReplayCheck == ReplayCheck.SharedIncomplete)
        {
            warnings.Add("replay check not authoritative: the shared replay record may have lost scans, a reuse may not be caught");
        }

        if (response.Verdict == Verdict.StatusUnavailable)
        {
            warnings.Add("licence status could not be read: check again or fall back to the physical card");
        }

        return warnings;
    }
}
