using System.Globalization;
using ELicense.V1;
using Spectre.Console;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders a page of violations as a table, with totals and the next page token.</summary>
public static class ViolationsView
{
    /// <summary>Writes the whole view.</summary>
    public static void Render(IAnsiConsole console, ListViolationsResponse response, TimeProvider time)
    {
        if (response.Violations.Count == 0)
        {
            console.MarkupLine("[grey]no violations on this page[/]");
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Time")
                .AddColumn("Plate")
                .AddColumn("Code")
                .AddColumn("Description")
                .AddColumn("Place")
                .AddColumn(new TableColumn("Points").RightAligned())
                .AddColumn(new TableColumn("Fine ¥").RightAligned())
                .AddColumn("State")
                .AddColumn("Source")
                .AddColumn("Id");
            foreach (var violation in response.Violations)
            {
                var state = VerdictText.Describe(violation.State);
                table.AddRow(
                    Markup.Escape(Formats.LocalDateTime(violation.OccurTime, time)),
                    Markup.Escape(violation.Plate is null ? "—" : violation.Plate.Number),
                    Markup.Escape(violation.Code),
                    Markup.Escape(violation.Description),
                    Markup.Escape(violation.Place),
                    violation.Points.ToString(CultureInfo.InvariantCulture),
                    violation.FineYuan.ToString(CultureInfo.InvariantCulture),
                    violation.State == ViolationState.Unprocessed ? $"[{Palette.Amber}]{state}[/]" : state,
                    Markup.Escape(VerdictText.Describe(violation.Source)),
                    Markup.Escape(violation.ViolationId));
            }

            console.Write(table);
        }

        console.MarkupLine($"[grey]unprocessed in total:[/] {Markup.Escape(Formats.Violations(response.Summary))}");
        if (response.Freshness is not null)
        {
            console.MarkupLine($"[grey]freshness:[/] {Formats.FreshnessMarkup(response.Freshness, time)}");
        }

        console.MarkupLine(string.IsNullOrEmpty(response.NextPageToken)
            ? "[grey]last page[/]"
            : $"[grey]next page:[/] --page-token {Markup.Escape(response.NextPageToken)}");
    }
}
