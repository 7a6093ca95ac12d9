using System.ComponentModel;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `license`.</summary>
public sealed class LicenseSettings : GlobalSettings
{
    /// <summary>The licence number.</summary>
    [CommandArgument(0, "<number>")]
    [Description("The licence number (18-character resident identity number).")]
    public string Number { get; init; } = string.Empty;

    /// <summary>Why the licence is looked up; required.</summary>
    [CommandOption("--purpose <PURPOSE>")]
    [Description("Why the licence is looked up (required, recorded in the holder's audit trail): " + Purposes.Accepted + ".")]
    public string? Purpose { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Purpose))
        {
            return ValidationResult.Error($"give --purpose: a lookup by licence number must state why ({Purposes.Accepted})");
        }

        return Purposes.TryParse(Purpose, out _)
            ? ValidationResult.Success()
            : ValidationResult.Error($"unknown --purpose; use one of {Purposes.Accepted}");
    }

    /// <summary>The request these settings describe.</summary>
    public GetLicenseRequest ToRequest() => new()
    {
        LicenseNumber = Number.Trim().ToUpperInvariant(),
        Purpose = Purposes.TryParse(Purpose, out var purpose) ? purpose.Value : LookupPurpose.Unspecified,
    };
}

/// <summary>`license`: looks up a licence and shows whether it is valid now.</summary>
public sealed class LicenseCommand(InspectorEnvironment environment) : InspectorCommand<LicenseSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, LicenseSettings settings, CancellationToken cancellationToken)
    {
        var request = settings.ToRequest();
        var response = await session.CallAsync(o => session.Verification.GetLicenseAsync(request, o), cancellationToken);
        return Show(settings, response, LicenseView.Render, response.ValidNow ? ExitCodes.Ok : ExitCodes.NotValid);
    }
}
