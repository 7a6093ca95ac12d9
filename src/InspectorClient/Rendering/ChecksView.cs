using ELicense.Inspector.Localization;
using ELicense.V1;
using Spectre.Console;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders a page of a licence's checks (the holder's audit view) as a table, with the next page token.</summary>
public static class ChecksView
{
    /// <summary>Writes the whole view.</summary>
    public static void Render(IAnsiConsole console, ListLicenseChecksResponse response, TimeProvider time)
    {
        if (response.Checks.Count == 0)
        {
            console.MarkupLine("[grey]no checks recorded[/]");
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Time")
                .AddColumn("Who")
                .AddColumn("Device")
                .AddColumn("What")
                .AddColumn("Purpose")
                .AddColumn("Result");
            foreach (var check in response.Checks)
            {
                table.AddRow(
                    Markup.Escape(Formats.LocalDateTime(check.CheckTime, time)),
                    Markup.Escape(OrDash(check.CallerId)),
                    Markup.Escape(OrDash(check.DeviceId)),
                    Markup.Escape(OrDash(check.Method)),
                    Markup.Escape(Purposes.Describe(check.Purpose)),
                    Markup.Escape(Result(check)));
            }

            console.Write(table);
        }

        console.MarkupLine(string.IsNullOrEmpty(response.NextPageToken)
            ? "[grey]last page[/]"
            : $"[grey]next page:[/] --page-token {Markup.Escape(response.NextPageToken)}");
    }

    /// <summary>
    /// The outcome; a refused attempt (the server records refusals with their status name) says so in words,
    /// and an entry that stands for several calls (refusals are recorded once per second) gives their number.
    /// </summary>
    internal static string Result(LicenseCheck check)
    {
        var result = check.Result switch
        {
            "ResourceExhausted" => "refused: over its rate limit",
            "PermissionDenied" => "refused: not permitted",
            "Unauthenticated" => "refused: not authenticated",
            "InvalidArgument" => "refused: invalid request",
            var other => OrDash(other),
        };
        return check.Attempts > 1 ? $"{result} ×{check.Attempts}" : result;
    }

    private static string OrDash(string text) => string.IsNullOrWhiteSpace(text) ? "—" : text;
}
