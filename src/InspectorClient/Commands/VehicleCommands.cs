using System.ComponentModel;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Core.Identifiers;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Which vehicle: --plate with --plate-type, or --vin.</summary>
public class VehicleSelectorSettings : GlobalSettings
{
    /// <summary>The plate text.</summary>
    [CommandOption("--plate <PLATE>")]
    [Description("Plate number, e.g. 京A12345; needs --plate-type.")]
    public string? Plate { get; init; }

    /// <summary>The plate type.</summary>
    [CommandOption("--plate-type <TYPE>")]
    [Description("Plate type: " + PlateTypes.Accepted + ".")]
    public string? PlateType { get; init; }

    /// <summary>The vehicle identification number.</summary>
    [CommandOption("--vin <VIN>")]
    [Description("Vehicle identification number (17 characters).")]
    public string? Vin { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var hasPlate = !string.IsNullOrWhiteSpace(Plate);
        var hasVin = !string.IsNullOrWhiteSpace(Vin);
        if (hasPlate == hasVin)
        {
            return ValidationResult.Error("give either --plate with --plate-type, or --vin");
        }

        if (hasPlate && !PlateTypes.TryParse(PlateType, out _))
        {
            return ValidationResult.Error($"--plate needs --plate-type ({PlateTypes.Accepted})");
        }

        if (!hasPlate && PlateType is not null)
        {
            return ValidationResult.Error("--plate-type goes with --plate");
        }

        return ValidationResult.Success();
    }

    /// <summary>The plate, or null when selecting by VIN.</summary>
    public Plate? ToPlate() =>
        !string.IsNullOrWhiteSpace(Plate) && PlateTypes.TryParse(PlateType, out var type)
            ? new Plate { Number = Plate.Trim().ToUpperInvariant(), Type = type.Value }
            : null;

    /// <summary>The VIN, normalised.</summary>
    public string NormalisedVin => (Vin ?? string.Empty).Trim().ToUpperInvariant();
}

/// <summary>`vehicle`: status, inspection, insurance and unprocessed violations of a vehicle.</summary>
public sealed class VehicleCommand(InspectorEnvironment environment) : InspectorCommand<VehicleSelectorSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, VehicleSelectorSettings settings, CancellationToken cancellationToken)
    {
        var request = settings.ToPlate() is { } plate
            ? new CheckVehicleRequest { Plate = plate }
            : new CheckVehicleRequest { Vin = settings.NormalisedVin };
        var response = await session.CallAsync(o => session.Verification.CheckVehicleAsync(request, o), cancellationToken);
        return Show(settings, response, VehicleView.Render, VehicleView.IsAllGood(response) ? ExitCodes.Ok : ExitCodes.NotValid);
    }
}

/// <summary>Settings of `transfer`: the vehicle by plate, VIN, or the inspection mark the seller presents.</summary>
public sealed class TransferSettings : VehicleSelectorSettings
{
    /// <summary>The inspection mark QR text.</summary>
    [CommandOption("--mark <QR>")]
    [Description("The vehicle's inspection mark as the seller presents it (\"EVM1:…\"); instead of --plate/--plate-type or --vin.")]
    public string? Mark { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Mark) ? base.Validate()
        : Plate is not null || PlateType is not null || Vin is not null
            ? ValidationResult.Error("give the vehicle once: --mark, or --plate with --plate-type, or --vin")
            : ValidationResult.Success();
}

/// <summary>`transfer`: whether a vehicle may change owner, with every blocking reason.</summary>
public sealed class TransferCommand(InspectorEnvironment environment) : InspectorCommand<TransferSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, TransferSettings settings, CancellationToken cancellationToken)
    {
        var request = !string.IsNullOrWhiteSpace(settings.Mark) ? new CheckTransferEligibilityRequest { MarkQrPayload = settings.Mark.TrimEnd('\r', '\n') }
            : settings.ToPlate() is { } plate ? new CheckTransferEligibilityRequest { Plate = plate }
            : new CheckTransferEligibilityRequest { Vin = settings.NormalisedVin };
        var response = await session.CallAsync(o => session.Verification.CheckTransferEligibilityAsync(request, o), cancellationToken);
        return Show(settings, response, VehicleView.Render, response.Eligible ? ExitCodes.Ok : ExitCodes.NotValid);
    }
}
