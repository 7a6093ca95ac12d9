using ELicense.Inspector.Localization;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>The licence card: holder, masked number, class, status, validity, points, violations, freshness.</summary>
public static class LicenseCard
{
    /// <summary>
    /// Builds the card's rows; <paramref name="extraRows"/> are appended as (label, markup). A field in
    /// <paramref name="withheld"/> shows as withheld for this role, never as its default value.
    /// </summary>
    public static IRenderable Build(
        License license,
        ViolationSummary? violations,
        Freshness? freshness,
        TimeProvider time,
        IEnumerable<(string Label, string Markup)>? extraRows = null,
        Withholding? withheld = null)
    {
        var w = withheld ?? Withholding.None;
        var en = UiText.English;
        var grid = NewGrid();
        AddRow(grid, "Holder", w.TextCell(FieldPaths.HolderName, license.HolderName, en));
        AddRow(grid, "Licence no.", w.Cell(FieldPaths.LicenseNumber, en, () => Markup.Escape(Masking.MaskIdentityNumber(license.LicenseNumber))));
        AddRow(grid, "Class", w.Cell(FieldPaths.LicenseClass, en, () => Markup.Escape(license.LicenseClass)));
        AddRow(grid, "Status", w.Cell(FieldPaths.Status, en, () => StatusMarkup(license.Status)));
        AddRow(grid, "Validity", w.Cell([FieldPaths.ValidFrom, FieldPaths.ValidUntil], en,
            () => Markup.Escape(Formats.Validity(license.ValidFromDate, license.ValidUntilDate))));
        AddRow(grid, "Points", w.Cell(FieldPaths.Points, en, () => Formats.PointsMarkup(license.Points)));
        AddRow(grid, "Unprocessed violations", w.Cell(FieldPaths.Violations, en, () => Markup.Escape(Formats.Violations(violations))));
        if (w.OptionalTextCell(FieldPaths.IssuingAuthority, license.IssuingAuthority, en) is { } issuedBy)
        {
            AddRow(grid, "Issued by", issuedBy);
        }

        if (freshness is not null)
        {
            AddRow(grid, "Freshness", Formats.FreshnessMarkup(freshness, time));
        }

        foreach (var (label, markup) in extraRows ?? [])
        {
            AddRow(grid, label, markup);
        }

        return new Panel(grid).Header("Driving licence").Border(BoxBorder.Rounded);
    }

    /// <summary>The signed snapshot of a credential, shown when the live licence is missing.</summary>
    public static IRenderable BuildSnapshot(CredentialSnapshot snapshot, Withholding? withheld = null)
    {
        var w = withheld ?? Withholding.None;
        var en = UiText.English;
        var grid = NewGrid();
        AddRow(grid, "Holder", w.TextCell(FieldPaths.SnapshotHolderName, snapshot.HolderName, en));
        AddRow(grid, "Licence no.", w.Cell(FieldPaths.SnapshotLicenseNumber, en, () => Markup.Escape(Masking.MaskIdentityNumber(snapshot.LicenseNumber))));
        AddRow(grid, "Class", w.Cell(FieldPaths.SnapshotLicenseClass, en, () => Markup.Escape(snapshot.LicenseClass)));
        AddRow(grid, "Status at issue", w.Cell(FieldPaths.SnapshotStatus, en, () => StatusMarkup(snapshot.Status)));
        AddRow(grid, "Validity", w.Cell([FieldPaths.SnapshotValidFrom, FieldPaths.SnapshotValidUntil], en,
            () => Markup.Escape(Formats.Validity(snapshot.ValidFromDate, snapshot.ValidUntilDate))));
        return new Panel(grid).Header("Signed snapshot (not live data)").Border(BoxBorder.Rounded);
    }

    /// <summary>A licence status as markup: green when normal, red otherwise.</summary>
    public static string StatusMarkup(LicenseStatus status) =>
        status == LicenseStatus.Normal
            ? $"[{Palette.Green}]{Markup.Escape(VerdictText.Describe(status))}[/]"
            : $"[bold {Palette.Red}]{Markup.Escape(VerdictText.Describe(status))}[/]";

    internal static Grid NewGrid()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }

    internal static void AddRow(Grid grid, string label, string markup) =>
        grid.AddRow(new Markup($"[grey]{Markup.Escape(label)}[/]"), new Markup(markup));
}
