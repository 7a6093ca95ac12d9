using System.Globalization;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using GoogleDate = Google.Type.Date;
using ELicense.Core;
using ELicense.Core.Rules;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The result card: the verdict banner, the reasons in words, the cautions, and the licence — holder,
/// class and what it entitles, validity, points, probation, unprocessed violations, freshness.
/// </summary>
public static class ResultCardView
{
    /// <summary>
    /// The card for <paramref name="result"/>; <paramref name="compact"/> (while a follow-up answer is shown
    /// under it) keeps the verdict, the holder and the reasons on three lines.
    /// </summary>
    public static IRenderable Build(LicenceResult result, UiText text, TimeProvider time, bool compact = false)
    {
        var response = result.Response;
        var headline = Verdicts.Headline(response, text);
        if (compact)
        {
            return Compact(result, headline, text);
        }

        var items = new List<IRenderable> { new VerdictBlock(result.Offline ? $"{headline} — {text.Offline}" : headline, result.Tone) };
        if (result.Offline)
        {
            items.Add(Line(text.OfflineLabel, $"bold {Palette.Amber}"));
        }

        items.AddRange(Verdicts.Reasons(response, text).Select(reason => Line("✗ " + reason, $"bold {Palette.Red}")));
        items.AddRange(Verdicts.Warnings(result, text, time).Select(warning => Line("⚠ " + warning, Palette.Amber)));

        if (response.License is { } license)
        {
            items.Add(LiveCard(result, license, text, time));
        }
        else if (response.Credential?.Snapshot is { } snapshot)
        {
            items.Add(SnapshotCard(result, snapshot, text, time));
        }

        if (response.Credential is { } credential)
        {
            items.Add(Line(
                $"{text.Credential}: {text.CredentialLine(Short(credential.TokenId), Formats.LocalTime(credential.ExpireTime, time))}",
                "grey"));
        }

        return new Rows(items);
    }

    private static Rows Compact(LicenceResult result, string headline, UiText text)
    {
        var response = result.Response;
        var word = result.Offline ? $"{headline} — {text.Offline}" : headline;
        var colour = HistoryView.Colour(result.Tone);
        var ink = result.Tone == Tone.Amber ? "black" : "white";
        var items = new List<IRenderable> { new Markup($"[bold {ink} on {colour}] {VerdictBlock.SymbolOf(result.Tone)} {Markup.Escape(word)} [/]") };
        var status = response.License?.Status ?? response.Credential?.Snapshot?.Status;
        var licenseClass = response.License?.LicenseClass ?? response.Credential?.Snapshot?.LicenseClass;
        var summary = string.Join(" · ", new[]
        {
            // Left out, a withheld holder would read as a record without one.
            result.HolderWithheld ? $"{text.Holder}: {text.WithheldForRole}" : result.HolderName,
            result.LicenseNumber is { } number ? Masking.MaskIdentityNumber(number) : null,
            licenseClass,
            status is { } s ? text.Describe(s) : null,
        }.Where(part => !string.IsNullOrEmpty(part)));
        if (summary.Length > 0)
        {
            items.Add(new Markup(Markup.Escape(summary)));
        }

        items.AddRange(Verdicts.Reasons(response, text).Select(reason => Line("✗ " + reason, $"bold {Palette.Red}")));
        return new Rows(items);
    }

    /// <summary>"C1 small car" for each class named on the licence.</summary>
    public static string ClassText(string licenseClass, UiText text) =>
        LicenseClasses.TryParse(licenseClass, out var codes)
            ? string.Join(" · ", codes.Select(c => text.DescribeClass(c) is { } name ? $"{c} {name}" : c))
            : licenseClass;

    /// <summary>Every class the licence entitles its holder to drive, the lower ones included.</summary>
    public static string EntitledText(string licenseClass) =>
        LicenseClasses.Entitled(licenseClass) is { Count: > 0 } entitled ? string.Join(' ', entitled) : licenseClass;

    /// <summary>"2018-05-20 – 2028-05-20", or "… – long-term".</summary>
    public static string ValidityText(GoogleDate? from, GoogleDate? until, UiText text) =>
        $"{Formats.Date(from)} – {(until is null ? text.LongTerm : Formats.Date(until))}";

    private static Panel LiveCard(LicenceResult result, License license, UiText text, TimeProvider time)
    {
        var response = result.Response;
        var today = Dates.ChinaToday(time.GetUtcNow());
        // Fields withheld for the caller's role carry defaults (0 points, no violations): shown as withheld.
        var w = Withholding.Of(response);
        var grid = NewGrid();
        Row(grid, text.Holder, w.TextCell(FieldPaths.HolderName, license.HolderName, text));
        Row(grid, text.LicenceNumber, w.Cell(FieldPaths.LicenseNumber, text, () => Markup.Escape(Masking.MaskIdentityNumber(license.LicenseNumber))));
        Row(grid, text.Class, w.Cell(FieldPaths.LicenseClass, text, () => Markup.Escape(ClassText(license.LicenseClass, text))));
        Row(grid, text.Entitles, w.Cell(FieldPaths.LicenseClass, text, () => Markup.Escape(EntitledText(license.LicenseClass))));
        Row(grid, text.Status, w.Cell(FieldPaths.Status, text, () => StatusMarkup(license.Status, text)));
        Row(grid, text.Validity, w.Cell([FieldPaths.ValidFrom, FieldPaths.ValidUntil], text, () => DateMarkup(
            ValidityText(license.ValidFromDate, license.ValidUntilDate, text),
            response.NotValidReasons.Any(r => r is NotValidReason.ValidityExpired or NotValidReason.NotYetValid))));
        Row(grid, text.Points, w.Cell(FieldPaths.Points, text, () => Formats.PointsMarkup(license.Points)));
        Row(grid, text.Probation, w.Cell(FieldPaths.FirstIssueDate, text, () => Markup.Escape(ProbationText(license, today, text))));
        Row(grid, text.Violations, w.Cell(FieldPaths.Violations, text, () => ViolationsMarkup(response.Violations, text)));
        if (w.OptionalTextCell(FieldPaths.IssuingAuthority, license.IssuingAuthority, text) is { } issuedBy)
        {
            Row(grid, text.IssuedBy, issuedBy);
        }

        if (result.Kind == CheckKind.Lookup)
        {
            Row(grid, text.Purpose, Markup.Escape(text.Describe(result.Purpose)));
        }

        if (response.Freshness is { } freshness)
        {
            Row(grid, text.Freshness, FreshnessMarkup(freshness, text, time));
        }

        return new Panel(grid).Header(Markup.Escape(text.LicenceCard)).Border(BoxBorder.Rounded).Expand();
    }

    private static Panel SnapshotCard(LicenceResult result, CredentialSnapshot snapshot, UiText text, TimeProvider time)
    {
        // Offline checks withhold nothing (the signed snapshot is the holder's own); a server's answer may.
        var w = Withholding.Of(result.Response);
        var grid = NewGrid();
        Row(grid, text.Holder, w.TextCell(FieldPaths.SnapshotHolderName, snapshot.HolderName, text));
        Row(grid, text.LicenceNumber, w.Cell(FieldPaths.SnapshotLicenseNumber, text, () => Markup.Escape(Masking.MaskIdentityNumber(snapshot.LicenseNumber))));
        Row(grid, text.Class, w.Cell(FieldPaths.SnapshotLicenseClass, text, () => Markup.Escape(ClassText(snapshot.LicenseClass, text))));
        Row(grid, text.Entitles, w.Cell(FieldPaths.SnapshotLicenseClass, text, () => Markup.Escape(EntitledText(snapshot.LicenseClass))));
        Row(grid, text.StatusAtIssue, w.Cell(FieldPaths.SnapshotStatus, text, () => StatusMarkup(snapshot.Status, text)));
        Row(grid, text.Validity, w.Cell([FieldPaths.SnapshotValidFrom, FieldPaths.SnapshotValidUntil], text, () => DateMarkup(
            ValidityText(snapshot.ValidFromDate, snapshot.ValidUntilDate, text),
            result.Response.NotValidReasons.Any(r => r is NotValidReason.ValidityExpired or NotValidReason.NotYetValid))));
        Row(grid, text.Points, $"[grey]{Markup.Escape(text.NotInSnapshot)}[/]");
        Row(grid, text.Probation, $"[grey]{Markup.Escape(text.NotInSnapshot)}[/]");
        Row(grid, text.Violations, $"[grey]{Markup.Escape(text.NotInSnapshot)}[/]");
        var issued = result.Response.Credential?.IssueTime;
        Row(grid, text.Freshness, $"[{Palette.Amber}]{Markup.Escape(text.OfflineFreshness(Formats.LocalDateTime(issued, time)))}[/]");
        return new Panel(grid).Header(Markup.Escape(text.SnapshotCard)).Border(BoxBorder.Rounded).Expand();
    }

    /// <summary>Probation (实习期): the 12 months after first issue.</summary>
    public static string ProbationText(License license, DateOnly today, UiText text)
    {
        if (license.FirstIssueDate is null || !Dates.IsValid(license.FirstIssueDate))
        {
            return text.Unknown;
        }

        return LicenseRules.InProbation(license, today)
            ? text.ProbationUntil(license.FirstIssueDate.ToDateOnly().AddMonths(12).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            : text.No;
    }

    /// <summary>
    /// The freshness line: where the data came from, how old it is and, for a cached answer, how far behind
    /// the registry it may be; amber when stale or when changes are not reaching the server live.
    /// </summary>
    public static string FreshnessMarkup(Freshness freshness, UiText text, TimeProvider time)
    {
        var line = text.FreshnessLine(
            text.Describe(freshness.Source),
            Formats.LocalTime(freshness.AsOfTime, time),
            Formats.Age(freshness.Age?.ToTimeSpan() ?? TimeSpan.Zero));
        var bound = text.FreshnessBound(freshness.Invalidation, Formats.Age(freshness.MaxLag?.ToTimeSpan() ?? TimeSpan.Zero));
        var escaped = Markup.Escape(bound.Length == 0 ? line : text.WithBound(line, bound));
        return freshness.Stale ? $"[bold {Palette.Amber}]{escaped}[/]"
            : Formats.InvalidationNotLive(freshness) ? $"[{Palette.Amber}]{escaped}[/]"
            : escaped;
    }

    /// <summary>A licence status: green when normal, red otherwise.</summary>
    public static string StatusMarkup(LicenseStatus status, UiText text) =>
        status == LicenseStatus.Normal
            ? $"[{Palette.Green}]{Markup.Escape(text.Describe(status))}[/]"
            : $"[bold {Palette.Red}]{Markup.Escape(text.Describe(status))}[/]";

    /// <summary>Unprocessed violations: "none" or the count with points and fines, amber when any.</summary>
    public static string ViolationsMarkup(ViolationSummary? summary, UiText text) =>
        summary is null || summary.UnprocessedCount == 0
            ? Markup.Escape(text.None)
            : $"[{Palette.Amber}]{Markup.Escape(text.ViolationTotals(summary.UnprocessedCount, summary.UnprocessedPoints, summary.UnprocessedFineYuan))}[/]";

    internal static Grid NewGrid()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }

    internal static void Row(Grid grid, string label, string markup) =>
        grid.AddRow(new Markup($"[grey]{Markup.Escape(label)}[/]"), new Markup(markup));

    internal static Markup Line(string text, string style) => new($"[{style}]{Markup.Escape(text)}[/]");

    private static string DateMarkup(string text, bool bad) => bad ? $"[bold {Palette.Red}]{Markup.Escape(text)}[/]" : Markup.Escape(text);

    private static string Short(string tokenId) => tokenId.Length > 12 ? tokenId[..12] + "…" : tokenId;
}
