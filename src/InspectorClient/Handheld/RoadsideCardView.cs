using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The roadside card: one answer for the driver and the vehicle. On a 80×24 screen what decides comes first —
/// the may-drive banner, every reason that stops the driver, the match (classes needed against held) — then one
/// line per part (verdict, who or which vehicle) with its unprocessed violations and its own freshness.
/// </summary>
public static class RoadsideCardView
{
    /// <summary>The card; <paramref name="compact"/> (a follow-up answer under it) keeps the banner and the reasons.</summary>
    public static IRenderable Build(RoadsideResult result, UiText text, TimeProvider time, bool compact = false)
    {
        var response = result.Response;
        var headline = RoadsideVerdicts.Headline(response, text);
        var word = result.Offline ? $"{headline} — {text.Offline}" : headline;
        var items = new List<IRenderable>
        {
            compact ? Banner(word, result.Tone) : new VerdictBlock(word, result.Tone),
        };
        items.AddRange(RoadsideVerdicts.Reasons(response, text, withMatch: compact).Select(reason => ResultCardView.Line("✗ " + reason, $"bold {Palette.Red}")));
        if (compact)
        {
            return new Rows(items);
        }

        var grid = ResultCardView.NewGrid();
        if (response.Entitlement is { } entitlement)
        {
            var tone = entitlement.Reason == EntitlementReason.Entitled ? Tone.Green : entitlement.Reason == EntitlementReason.NotDetermined ? Tone.Amber : Tone.Red;
            ResultCardView.Row(grid, text.MatchPart, Marked(tone, RoadsideVerdicts.MatchText(entitlement, text)));
        }

        var licence = result.Licence;
        ResultCardView.Row(grid, text.LicencePart, Marked(licence.Tone, LicenceLine(licence, text)));
        ResultCardView.Row(grid, string.Empty, PartDetails(licence.Response.Violations, licence.Response.Freshness, result.Offline,
            text.SignedAt(Formats.LocalDateTime(licence.Response.Credential?.IssueTime, time)), Withholding.Of(licence.Response), text, time));
        var vehicle = response.VehicleCheck ?? new VehicleCheck();
        ResultCardView.Row(grid, text.VehiclePart, Marked(RoadsideTones.Of(vehicle, result.Offline), VehicleLine(vehicle, text)));
        ResultCardView.Row(grid, string.Empty, PartDetails(vehicle.Violations, vehicle.Freshness, result.Offline,
            text.SignedAt(Formats.LocalDateTime(vehicle.Mark?.IssueTime, time)), Withholding.Of(vehicle), text, time));
        items.Add(grid);
        items.AddRange(Verdicts.Warnings(licence, text, time).Select(warning => ResultCardView.Line("⚠ " + warning, Palette.Amber)));
        if (vehicle.Freshness is { Stale: true } stale)
        {
            items.Add(ResultCardView.Line("⚠ " + text.StaleVehicle(Formats.Age(stale.Age?.ToTimeSpan() ?? TimeSpan.Zero)), Palette.Amber));
        }

        // Last: the banner already says offline, and on a small screen the parts come before the explanation.
        if (result.Offline)
        {
            items.Add(ResultCardView.Line(text.OfflineRoadsideLabel, $"bold {Palette.Amber}"));
        }

        return new Rows(items);
    }

    /// <summary>"✔ VALID · 张伟 · 110101********1234 · C1", from the live record or, offline, the signed snapshot.</summary>
    public static string LicenceLine(LicenceResult licence, UiText text)
    {
        var response = licence.Response;
        return string.Join(" · ", new[]
        {
            Verdicts.Headline(response, text),
            licence.HolderWithheld ? $"{text.Holder}: {text.WithheldForRole}" : licence.HolderName,
            licence.LicenseNumber is { } number ? Masking.MaskIdentityNumber(number) : null,
            response.License?.LicenseClass ?? response.Credential?.Snapshot?.LicenseClass,
        }.Where(part => !string.IsNullOrEmpty(part)));
    }

    /// <summary>"VEHICLE OK · 京A12345 (02 small) · K33 small car · inspection until 2026-05-31", live or as signed.</summary>
    public static string VehicleLine(VehicleCheck vehicle, UiText text)
    {
        var live = vehicle.Vehicle;
        var signed = vehicle.Mark?.Mark;
        var plate = live?.Plate ?? signed?.Plate;
        var type = live is not null ? live.VehicleType : signed?.VehicleType;
        var until = live?.InspectionValidUntilDate ?? signed?.InspectionValidUntilDate;
        return string.Join(" · ", new[]
        {
            RoadsideVerdicts.VehicleHeadline(vehicle, text),
            plate is null ? null : $"{plate.Number} ({text.Describe(plate.Type)})",
            type is null ? null : text.DescribeVehicleType(type),
            until is null ? null : $"{text.Inspection} {Formats.Date(until)}",
        }.Where(part => !string.IsNullOrEmpty(part)));
    }

    // Unprocessed violations and freshness: the server's, or offline what the signed data cannot tell.
    private static string PartDetails(
        ViolationSummary? violations, Freshness? freshness, bool offline, string offlineFreshness, Withholding withheld, UiText text, TimeProvider time)
    {
        if (offline)
        {
            return $"[grey]{Markup.Escape(text.Violations)}: {Markup.Escape(text.NotKnownOffline)}[/] · [{Palette.Amber}]{Markup.Escape(offlineFreshness)}[/]";
        }

        var line = $"[grey]{Markup.Escape(text.Violations)}:[/] {withheld.Cell(FieldPaths.Violations, text, () => ResultCardView.ViolationsMarkup(violations, text))}";
        return freshness is null ? line : $"{line} [grey]·[/] {ResultCardView.FreshnessMarkup(freshness, text, time)}";
    }

    private static string Marked(Tone tone, string text)
    {
        var colour = tone switch { Tone.Green => Palette.Green, Tone.Red => Palette.Red, _ => Palette.Amber };
        return $"[bold {colour}]{VerdictBlock.SymbolOf(tone)} {Markup.Escape(text)}[/]";
    }

    private static Markup Banner(string word, Tone tone)
    {
        var colour = HistoryView.Colour(tone);
        var ink = tone == Tone.Amber ? "black" : "white";
        return new Markup($"[bold {ink} on {colour}] {VerdictBlock.SymbolOf(tone)} {Markup.Escape(word)} [/]");
    }
}
