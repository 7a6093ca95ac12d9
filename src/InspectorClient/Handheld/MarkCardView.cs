using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The card of an inspection mark scanned on its own: the vehicle verdict and its reasons first, then the live
/// vehicle (online) and what the mark signed — plate, vehicle type, masked VIN, valid until, number, office.
/// </summary>
public static class MarkCardView
{
    /// <summary>The card; <paramref name="compact"/> (a follow-up answer under it) keeps the verdict and the reasons.</summary>
    public static IRenderable Build(MarkResult result, UiText text, TimeProvider time, bool compact = false)
    {
        var check = result.Response;
        var headline = RoadsideVerdicts.VehicleHeadline(check, text);
        var word = result.Offline ? $"{headline} — {text.Offline}" : headline;
        var items = new List<IRenderable> { compact ? ResultCardView.Line($"{VerdictBlock.SymbolOf(result.Tone)} {word}", "bold") : new VerdictBlock(word, result.Tone) };
        if (result.Offline && !compact)
        {
            items.Add(ResultCardView.Line(text.OfflineLabel, $"bold {Palette.Amber}"));
        }

        items.AddRange(RoadsideVerdicts.VehicleReasons(check, text).Select(reason => ResultCardView.Line("✗ " + reason, $"bold {Palette.Red}")));
        if (compact)
        {
            return new Rows(items);
        }

        if (check.Freshness is { Stale: true } stale)
        {
            items.Add(ResultCardView.Line("⚠ " + text.StaleVehicle(Formats.Age(stale.Age?.ToTimeSpan() ?? TimeSpan.Zero)), Palette.Amber));
        }

        if (check.Vehicle is { } vehicle)
        {
            var reasons = check.NotValidReasons;
            items.Add(DetailViews.VehicleCard(vehicle, !reasons.Contains(VehicleNotValidReason.InspectionExpired),
                !reasons.Contains(VehicleNotValidReason.InsuranceExpired), check.Violations, check.Freshness, text, time, Withholding.Of(check)));
        }

        if (check.Mark?.Mark is { } mark)
        {
            items.Add(Signed(check.Mark, mark, result.Offline, text, time));
        }

        return new Rows(items);
    }

    private static Panel Signed(InspectionMarkInfo info, InspectionMark mark, bool offline, UiText text, TimeProvider time)
    {
        var grid = ResultCardView.NewGrid();
        ResultCardView.Row(grid, text.Plate, Markup.Escape(mark.Plate is null ? "—" : $"{mark.Plate.Number} ({text.Describe(mark.Plate.Type)})"));
        ResultCardView.Row(grid, text.VehicleType, Markup.Escape(text.DescribeVehicleType(mark.VehicleType)));
        ResultCardView.Row(grid, text.Vin, Markup.Escape(mark.MaskedVin));
        ResultCardView.Row(grid, text.Inspection, Markup.Escape(Formats.Date(mark.InspectionValidUntilDate)));
        ResultCardView.Row(grid, text.MarkNumber, Markup.Escape($"{mark.MarkNumber} · {text.MarkOffice} {mark.IssuingOffice}"));
        if (offline)
        {
            ResultCardView.Row(grid, text.Freshness, $"[{Palette.Amber}]{Markup.Escape(text.MarkOfflineFreshness(Formats.LocalDateTime(info.IssueTime, time)))}[/]");
        }

        return new Panel(grid).Header(Markup.Escape(text.MarkCard)).Border(BoxBorder.Rounded).Expand();
    }
}
