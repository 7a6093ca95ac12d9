using System.ComponentModel;
using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `roadside`: the driver's licence code and the vehicle (its mark, its plate, or its VIN).</summary>
public sealed class RoadsideSettings : VehicleSelectorSettings
{
    /// <summary>The licence QR text.</summary>
    [CommandOption("--license <QR>")]
    [Description("The driver's scanned licence code (\"EDL1:…\"; quote it). Required.")]
    public string? License { get; init; }

    /// <summary>The inspection mark QR text.</summary>
    [CommandOption("--mark <QR>")]
    [Description("The vehicle's scanned inspection mark (\"EVM1:…\"); instead of --plate/--plate-type or --vin.")]
    public string? Mark { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(License))
        {
            return ValidationResult.Error("give the driver's licence code with --license");
        }

        if (string.IsNullOrWhiteSpace(Mark))
        {
            return base.Validate();
        }

        return Plate is not null || PlateType is not null || Vin is not null
            ? ValidationResult.Error("give the vehicle once: --mark, or --plate with --plate-type, or --vin")
            : ValidationResult.Success();
    }
}

/// <summary>`roadside`: may this driver drive this vehicle — licence, vehicle and the class match in one call (CheckRoadside).</summary>
public sealed class RoadsideCommand(InspectorEnvironment environment) : InspectorCommand<RoadsideSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, RoadsideSettings settings, CancellationToken cancellationToken)
    {
        var request = new CheckRoadsideRequest { LicenseQrPayload = settings.License!.TrimEnd('\r', '\n'), DeviceId = session.Options.DeviceId };
        if (!string.IsNullOrWhiteSpace(settings.Mark))
        {
            request.MarkQrPayload = settings.Mark.TrimEnd('\r', '\n');
        }
        else if (settings.ToPlate() is { } plate)
        {
            request.Plate = plate;
        }
        else
        {
            request.Vin = settings.NormalisedVin;
        }

        // The licence part has the one-use rule: the same reconciliation of a retried call as `verify`'s.
        var response = await new RpcCheckBackend(session, Environment.Time).CheckRoadsideAsync(request, cancellationToken);
        return Show(settings, response, Render, RoadsideVerdicts.MayDrive(response) ? ExitCodes.Ok : ExitCodes.NotValid);
    }

    /// <summary>The console's roadside card, in English, then the server's sentence.</summary>
    public static void Render(IAnsiConsole console, CheckRoadsideResponse response, TimeProvider time)
    {
        var result = new RoadsideResult { Sequence = 0, Offline = false, CheckedAt = time.GetUtcNow(), Response = response };
        console.Write(RoadsideCardView.Build(result, UiText.English, time));
        if (!string.IsNullOrWhiteSpace(response.Message))
        {
            console.MarkupLine($"[grey]server: {Markup.Escape(response.Message)}[/]");
        }
    }
}
