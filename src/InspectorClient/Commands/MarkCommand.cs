using System.ComponentModel;
using ELicense.Inspector.Holder;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `mark`: the vehicle (--plate with --plate-type, or --vin) and how to show the mark.</summary>
public sealed class MarkSettings : VehicleSelectorSettings
{
    /// <summary>Leave the QR code out.</summary>
    [CommandOption("--no-qr")]
    [Description("Print only the payload text and expiry, no QR code.")]
    public bool NoQr { get; init; }

    /// <summary>Also write the QR code as a PNG image.</summary>
    [CommandOption("--png <FILE>")]
    [Description("Also write the QR code to FILE as a PNG image (to print it, or show it on a phone).")]
    public string? Png { get; init; }
}

/// <summary>`mark`: asks the registry for a vehicle's electronic inspection mark and shows it as a QR code (registry role).</summary>
public sealed class MarkCommand(InspectorEnvironment environment) : InspectorCommand<MarkSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, MarkSettings settings, CancellationToken cancellationToken)
    {
        var request = settings.ToPlate() is { } plate
            ? new IssueInspectionMarkRequest { Plate = plate }
            : new IssueInspectionMarkRequest { Vin = settings.NormalisedVin };
        // A write: retried only when it provably never left this client (a repeat would only sign the same mark again).
        var response = await session.WriteAsync(o => session.Registry.IssueInspectionMarkAsync(request, o), cancellationToken);
        if (settings.Png is { Length: > 0 } path)
        {
            QrPng.Write(path, response.QrPayload);
        }

        return Show(settings, response, (console, r, time) =>
        {
            MarkIssueView.Render(console, r, showQr: !settings.NoQr, time);
            if (settings.Png is { Length: > 0 } png)
            {
                console.MarkupLine($"[grey]PNG written to[/] {Markup.Escape(Path.GetFullPath(png))}");
            }
        }, ExitCodes.Ok);
    }
}
