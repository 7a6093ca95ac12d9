using ELicense.Inspector.Localization;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Core.Identifiers;
using ELicense.Client.Cli;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders vehicle checks and transfer eligibility.</summary>
public static class VehicleView
{
    /// <summary>Writes a vehicle check: banner (normal or not), then the vehicle card.</summary>
    public static void Render(IAnsiConsole console, CheckVehicleResponse response, TimeProvider time)
    {
        var allGood = IsAllGood(response);
        console.Write(allGood ? Banner.Create("VEHICLE OK", Palette.Green) : Banner.Create("VEHICLE NOT OK", Palette.Red));
        if (response.Freshness?.Stale == true)
        {
            console.Write(Banner.Warning($"vehicle data is STALE ({Formats.Freshness(response.Freshness, time)})"));
            console.WriteLine();
        }

        console.Write(Card(response.Vehicle, response.Violations, response.Freshness, time, [
            ("Status normal", YesNo(response.StatusNormal)),
            ("Inspection valid", YesNo(response.InspectionValid)),
            ("Insurance valid", YesNo(response.InsuranceValid)),
        ], Withholding.Of(response)));
    }

    /// <summary>True when status, inspection and insurance are all fine.</summary>
    public static bool IsAllGood(CheckVehicleResponse response) =>
        response.StatusNormal && response.InspectionValid && response.InsuranceValid;

    /// <summary>Writes a transfer check: ELIGIBLE / NOT ELIGIBLE, every blocking reason with its code, the vehicle.</summary>
    public static void Render(IAnsiConsole console, CheckTransferEligibilityResponse response, TimeProvider time)
    {
        console.Write(response.Eligible ? Banner.Create("ELIGIBLE", Palette.Green) : Banner.Create("NOT ELIGIBLE", Palette.Red));
        foreach (var block in response.Blocks)
        {
            var line = $"✗ {VerdictText.Describe(block.Reason)} [{VerdictText.Code(block.Reason)}]";
            if (!string.IsNullOrWhiteSpace(block.Message))
            {
                line += $" — {block.Message}";
            }

            console.MarkupLine($"[bold {Palette.Red}]{Markup.Escape(line)}[/]");
        }

        if (response.Freshness?.Stale == true)
        {
            console.Write(Banner.Warning($"vehicle data is STALE ({Formats.Freshness(response.Freshness, time)})"));
            console.WriteLine();
        }

        console.Write(Card(response.Vehicle, response.Violations, response.Freshness, time, [], Withholding.Of(response)));
    }

    private static Panel Card(
        Vehicle? vehicle,
        ViolationSummary? violations,
        Freshness? freshness,
        TimeProvider time,
        IEnumerable<(string Label, string Markup)> extraRows,
        Withholding withheld)
    {
        var en = UiText.English;
        var grid = LicenseCard.NewGrid();
        if (vehicle is not null)
        {
            LicenseCard.AddRow(grid, "Plate", Markup.Escape(vehicle.Plate is null
                ? "—"
                : $"{vehicle.Plate.Number} ({PlateTypes.Describe(vehicle.Plate.Type)})"));
            LicenseCard.AddRow(grid, "VIN", withheld.TextCell(FieldPaths.Vin, vehicle.Vin, en));
            LicenseCard.AddRow(grid, "Owner", withheld.TextCell(FieldPaths.OwnerName, vehicle.OwnerName, en));
            LicenseCard.AddRow(grid, "Vehicle type", withheld.Cell(FieldPaths.VehicleType, en, () => Markup.Escape(en.DescribeVehicleType(vehicle.VehicleType))));
            LicenseCard.AddRow(grid, "Model", withheld.TextCell(FieldPaths.Model, vehicle.Model, en));
            LicenseCard.AddRow(grid, "Statuses", StatusesMarkup(vehicle.Statuses));
            LicenseCard.AddRow(grid, "Inspection until", Markup.Escape(Formats.Date(vehicle.InspectionValidUntilDate)));
            LicenseCard.AddRow(grid, "Insurance until", Markup.Escape(Formats.Date(vehicle.InsuranceValidUntilDate)));
        }

        foreach (var (label, markup) in extraRows)
        {
            LicenseCard.AddRow(grid, label, markup);
        }

        LicenseCard.AddRow(grid, "Unprocessed violations", withheld.Cell(FieldPaths.Violations, en, () => Markup.Escape(Formats.Violations(violations))));
        if (freshness is not null)
        {
            LicenseCard.AddRow(grid, "Freshness", Formats.FreshnessMarkup(freshness, time));
        }

        return new Panel(grid).Header("Vehicle").Border(BoxBorder.Rounded);
    }

    private static string StatusesMarkup(IReadOnlyCollection<VehicleStatus> statuses)
    {
        var abnormal = statuses.Where(s => s is not (VehicleStatus.Normal or VehicleStatus.Unspecified)).Distinct().ToList();
        return abnormal.Count == 0
            ? $"[{Palette.Green}]normal[/]"
            : $"[bold {Palette.Red}]{Markup.Escape(string.Join(", ", abnormal.Select(VerdictText.Describe)))}[/]";
    }

    private static string YesNo(bool value) => value ? $"[{Palette.Green}]yes[/]" : $"[bold {Palette.Red}]no[/]";
}
