using System.Globalization;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Core.Identifiers;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>The follow-up answers under the licence card: vehicle, transfer, violations, sync report.</summary>
public static class DetailViews
{
    /// <summary>The view of any detail.</summary>
    public static IRenderable Build(Detail detail, UiText text, TimeProvider time) => detail switch
    {
        Detail.Vehicle vehicle => Vehicle(vehicle.Response, text, time),
        Detail.Transfer transfer => Transfer(transfer.Response, text, time),
        Detail.Violations violations => Violations(violations.Subject, violations.Response, text, time),
        Detail.Sync sync => Sync(sync.Results, text, time),
        _ => new Text(string.Empty),
    };

    private static Rows Vehicle(CheckVehicleResponse response, UiText text, TimeProvider time)
    {
        var ok = response.StatusNormal && response.InspectionValid && response.InsuranceValid && response.Freshness?.Stale != true;
        var items = new List<IRenderable> { Heading(ok ? text.VehicleOk : text.VehicleNotOk, ok ? Tone.Green : Tone.Red) };
        if (response.Freshness is { Stale: true } freshness)
        {
            items.Add(ResultCardView.Line("⚠ " + text.StaleVehicle(Formats.Age(freshness.Age?.ToTimeSpan() ?? TimeSpan.Zero)), Palette.Amber));
        }

        items.Add(VehicleCard(response.Vehicle, response.InspectionValid, response.InsuranceValid, response.Violations, response.Freshness, text, time,
            Withholding.Of(response)));
        return new Rows(items);
    }

    private static Rows Transfer(CheckTransferEligibilityResponse response, UiText text, TimeProvider time)
    {
        var items = new List<IRenderable> { Heading(response.Eligible ? text.Eligible : text.NotEligible, response.Eligible ? Tone.Green : Tone.Red) };
        items.AddRange(response.Blocks.Select(b => ResultCardView.Line("✗ " + text.Describe(b.Reason), $"bold {Palette.Red}")));
        var blocks = response.Blocks.Select(b => b.Reason).ToHashSet();
        items.Add(VehicleCard(response.Vehicle, !blocks.Contains(TransferBlockReason.InspectionExpired),
            !blocks.Contains(TransferBlockReason.InsuranceExpired), response.Violations, response.Freshness, text, time, Withholding.Of(response)));
        return new Rows(items);
    }

    private static Rows Violations(string subject, ListViolationsResponse response, UiText text, TimeProvider time)
    {
        var items = new List<IRenderable> { new Markup($"[bold]{Markup.Escape(text.ViolationsTitle(subject))}[/]") };
        if (response.Violations.Count == 0)
        {
            items.Add(ResultCardView.Line(text.NoViolations, Palette.Green));
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple).Expand()
                .AddColumn(Markup.Escape(text.Time))
                .AddColumn(Markup.Escape(text.Place))
                .AddColumn(Markup.Escape(text.Offence))
                .AddColumn(new TableColumn(Markup.Escape(text.Points)).RightAligned())
                .AddColumn(new TableColumn(Markup.Escape(text.Fine)).RightAligned())
                .AddColumn(Markup.Escape(text.State));
            foreach (var violation in response.Violations)
            {
                table.AddRow(
                    Markup.Escape(Formats.LocalDateTime(violation.OccurTime, time)),
                    Markup.Escape(violation.Place),
                    Markup.Escape($"{violation.Code} {violation.Description}"),
                    violation.Points.ToString(CultureInfo.InvariantCulture),
                    violation.FineYuan.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(text.Describe(violation.State)));
            }

            items.Add(table);
        }

        items.Add(new Markup($"[grey]{Markup.Escape(text.Violations)}:[/] {ResultCardView.ViolationsMarkup(response.Summary, text)}"));
        if (!string.IsNullOrEmpty(response.NextPageToken))
        {
            items.Add(ResultCardView.Line(text.MorePages, "grey"));
        }

        return new Rows(items);
    }

    private static Rows Sync(IReadOnlyList<SyncResult> results, UiText text, TimeProvider time)
    {
        var table = new Table().Border(TableBorder.None).Expand()
            .AddColumn(Column(text.Time).NoWrap())
            .AddColumn(Column(text.Subject).NoWrap())
            .AddColumn(Column(text.OfflineAnswer))
            .AddColumn(Column(text.LiveAnswer))
            .AddColumn(Column(text.Result).NoWrap());
        var notes = new List<IRenderable>();
        foreach (var result in results)
        {
            var outcome = result.Outcome switch
            {
                SyncOutcome.Differs => $"[bold {Palette.Red}]{Markup.Escape(text.SyncDiffers)}[/]",
                SyncOutcome.Confirmed => $"[{Palette.Green}]{Markup.Escape(text.SyncConfirmed)}[/]",
                _ => $"[{Palette.Amber}]{Markup.Escape(text.SyncUnresolved)}[/]",
            };
            var subject = Masking.MaskIdentityNumber(result.Check.LicenseNumber ?? "?");
            table.AddRow(
                Markup.Escape(Verdicts.LocalTime(result.Check.CheckedAt, time)),
                Markup.Escape(HistoryView.Shorten(subject)),
                Markup.Escape(result.Check.OfflineVerdict == Verdict.Valid ? text.Valid : text.NotValid),
                Markup.Escape(LiveText(result, text)),
                outcome);
            if (result.Outcome == SyncOutcome.Differs)
            {
                notes.Add(ResultCardView.Line($"✗ {subject}: {text.DiffersNote}", $"bold {Palette.Red}"));
                if (result.Live?.Verdict == Verdict.Replayed)
                {
                    notes.Add(ResultCardView.Line("  " + text.ReplayedNote, Palette.Red));
                }

                if (result.LiveLicense?.UpdateTime is { } changed)
                {
                    notes.Add(ResultCardView.Line("  " + text.ChangedAt(Formats.LocalDateTime(changed, time)), Palette.Red));
                }
            }
        }

        return new Rows([new Markup($"[bold]{Markup.Escape(text.SyncTitle)}[/]"), table, .. notes]);
    }

    /// <summary>The live answer in words: the verdict, or for an expired code the licence's live state.</summary>
    public static string LiveText(SyncResult result, UiText text)
    {
        if (result.LiveAccept is not { } accept)
        {
            return result.Live is { } pending ? text.Describe(pending.Verdict) : text.Unknown;
        }

        if (accept)
        {
            return text.Valid;
        }

        IReadOnlyList<string> reasons = result.Lookup is { } lookup
            ? lookup.NotValidReasons.Distinct().Select(r => text.Describe(r, lookup.License?.Status ?? LicenseStatus.Unspecified)).ToList()
            : result.Live is { } live && !SyncRules.NeedsLookup(live)
                ? Verdicts.Reasons(live, text)
                : [text.Describe(Verdict.LicenseNotFound)];
        return reasons.Count == 0 ? text.NotValid : text.WithReason(text.NotValid, string.Join(text.Language == Language.Chinese ? "，" : ", ", reasons));
    }

    internal static Panel VehicleCard(
        Vehicle? vehicle, bool inspectionValid, bool insuranceValid, ViolationSummary? violations, Freshness? freshness, UiText text, TimeProvider time,
        Withholding withheld)
    {
        var grid = ResultCardView.NewGrid();
        if (vehicle is not null)
        {
            ResultCardView.Row(grid, text.Plate, Markup.Escape(vehicle.Plate is null ? "—" : $"{vehicle.Plate.Number} ({text.Describe(vehicle.Plate.Type)})"));
            if (withheld.OptionalTextCell(FieldPaths.Vin, vehicle.Vin, text) is { } vin)
            {
                ResultCardView.Row(grid, text.Vin, vin);
            }

            // For a transfer system the owner is masked ("张**") and said to be.
            if (withheld.OptionalTextCell(FieldPaths.OwnerName, vehicle.OwnerName, text) is { } owner)
            {
                ResultCardView.Row(grid, text.Owner, owner);
            }

            ResultCardView.Row(grid, text.VehicleType, withheld.Cell(FieldPaths.VehicleType, text, () => Markup.Escape(text.DescribeVehicleType(vehicle.VehicleType))));
            ResultCardView.Row(grid, text.Model, withheld.TextCell(FieldPaths.Model, vehicle.Model, text));
            var abnormal = vehicle.Statuses.Where(s => s is not (VehicleStatus.Normal or VehicleStatus.Unspecified)).Distinct().ToList();
            ResultCardView.Row(grid, text.Status, abnormal.Count == 0
                ? $"[{Palette.Green}]{Markup.Escape(text.Normal)}[/]"
                : $"[bold {Palette.Red}]{Markup.Escape(string.Join(", ", abnormal.Select(text.Describe)))}[/]");
            ResultCardView.Row(grid, text.Inspection, Flag(Formats.Date(vehicle.InspectionValidUntilDate), inspectionValid));
            ResultCardView.Row(grid, text.Insurance, Flag(Formats.Date(vehicle.InsuranceValidUntilDate), insuranceValid));
        }

        ResultCardView.Row(grid, text.Violations, withheld.Cell(FieldPaths.Violations, text, () => ResultCardView.ViolationsMarkup(violations, text)));
        if (freshness is not null)
        {
            ResultCardView.Row(grid, text.Freshness, ResultCardView.FreshnessMarkup(freshness, text, time));
        }

        return new Panel(grid).Header(Markup.Escape(text.VehicleCard)).Border(BoxBorder.Rounded).Expand();
    }

    private static TableColumn Column(string header) => new TableColumn($"[bold grey]{Markup.Escape(header)}[/]").PadLeft(0).PadRight(1);

    /// <summary>A one-line coloured heading for a follow-up answer.</summary>
    private static Markup Heading(string word, Tone tone)
    {
        var colour = tone switch { Tone.Green => Palette.Green, Tone.Red => Palette.Red, _ => Palette.Amber };
        var ink = tone == Tone.Amber ? "black" : "white";
        return new Markup($"[bold {ink} on {colour}] {VerdictBlock.SymbolOf(tone)} {Markup.Escape(word)} [/]");
    }

    private static string Flag(string date, bool valid) => valid ? Markup.Escape(date) : $"[bold {Palette.Red}]{Markup.Escape(date)}[/]";
}
