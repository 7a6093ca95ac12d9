using System.ComponentModel;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `violations`.</summary>
public sealed class ViolationsSettings : PagedSettings
{
    /// <summary>The licence whose violations to list.</summary>
    [CommandOption("--license <NUMBER>")]
    [Description("List the violations attributed to this licence number.")]
    public string? License { get; init; }

    /// <summary>The plate text.</summary>
    [CommandOption("--plate <PLATE>")]
    [Description("List the violations recorded against this plate; needs --plate-type.")]
    public string? Plate { get; init; }

    /// <summary>The plate type.</summary>
    [CommandOption("--plate-type <TYPE>")]
    [Description("Plate type: " + PlateTypes.Accepted + ".")]
    public string? PlateType { get; init; }

    /// <summary>Include processed violations.</summary>
    [CommandOption("--all")]
    [Description("Include processed and paid violations (default: unprocessed only).")]
    public bool All { get; init; }

    /// <summary>Why the violations are looked up; required with --license.</summary>
    [CommandOption("--purpose <PURPOSE>")]
    [Description("Why the violations are looked up (required with --license, optional with --plate; recorded in the audit trail): " + Purposes.Accepted + ".")]
    public string? Purpose { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var hasLicense = !string.IsNullOrWhiteSpace(License);
        var hasPlate = !string.IsNullOrWhiteSpace(Plate);
        if (hasLicense == hasPlate)
        {
            return ValidationResult.Error("give either --license, or --plate with --plate-type");
        }

        if (hasPlate && !PlateTypes.TryParse(PlateType, out _))
        {
            return ValidationResult.Error($"--plate needs --plate-type ({PlateTypes.Accepted})");
        }

        var hasPurpose = !string.IsNullOrWhiteSpace(Purpose);
        if (hasLicense && !hasPurpose)
        {
            return ValidationResult.Error($"give --purpose with --license: a lookup by licence number must state why ({Purposes.Accepted})");
        }

        if (hasPurpose && !Purposes.TryParse(Purpose, out _))
        {
            return ValidationResult.Error($"unknown --purpose; use one of {Purposes.Accepted}");
        }

        return ValidatePage();
    }

    /// <summary>The request these settings describe.</summary>
    public ListViolationsRequest ToRequest()
    {
        var request = new ListViolationsRequest
        {
            UnprocessedOnly = !All,
            PageSize = PageSize ?? 0,
            PageToken = PageToken ?? string.Empty,
            Purpose = Purposes.TryParse(Purpose, out var purpose) ? purpose.Value : LookupPurpose.Unspecified,
        };
        if (!string.IsNullOrWhiteSpace(License))
        {
            request.LicenseNumber = License.Trim().ToUpperInvariant();
        }
        else if (PlateTypes.TryParse(PlateType, out var type))
        {
            request.Plate = new Plate { Number = (Plate ?? string.Empty).Trim().ToUpperInvariant(), Type = type.Value };
        }

        return request;
    }
}

/// <summary>`violations`: a page of a licence's or a plate's violations.</summary>
public sealed class ViolationsCommand(InspectorEnvironment environment) : InspectorCommand<ViolationsSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, ViolationsSettings settings, CancellationToken cancellationToken)
    {
        var request = settings.ToRequest();
        var response = await session.CallAsync(o => session.Verification.ListViolationsAsync(request, o), cancellationToken);
        return Show(settings, response, ViolationsView.Render, ExitCodes.Ok);
    }
}
