using ELicense.V1;
using Spectre.Console;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders a licence lookup: valid-now banner, reasons, card.</summary>
public static class LicenseView
{
    /// <summary>Writes the whole view.</summary>
    public static void Render(IAnsiConsole console, GetLicenseResponse response, TimeProvider time)
    {
        console.Write(response.ValidNow ? Banner.Create("VALID NOW", Palette.Green) : Banner.Create("NOT VALID NOW", Palette.Red));
        var status = response.License?.Status ?? LicenseStatus.Unspecified;
        foreach (var reason in response.NotValidReasons.Distinct())
        {
            console.MarkupLine($"[bold {Palette.Red}]✗ {Markup.Escape(VerdictText.Describe(reason, status))}[/]");
        }

        if (response.Freshness?.Stale == true)
        {
            console.Write(Banner.Warning($"licence data is STALE ({Formats.Freshness(response.Freshness, time)})"));
            console.WriteLine();
        }

        if (response.License is not null)
        {
            var validNow = response.ValidNow ? $"[{Palette.Green}]yes[/]" : $"[bold {Palette.Red}]no[/]";
            console.Write(LicenseCard.Build(response.License, response.Violations, response.Freshness, time, [("Valid now", validNow)]));
        }
    }
}
