using System.ComponentModel;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `issue`.</summary>
public sealed class IssueSettings : GlobalSettings
{
    /// <summary>The licence number.</summary>
    [CommandArgument(0, "<license-number>")]
    [Description("The licence number to issue a credential for.")]
    public string LicenseNumber { get; init; } = string.Empty;

    /// <summary>Requested lifetime.</summary>
    [CommandOption("--lifetime <SECONDS>")]
    [Description("Requested lifetime in seconds (server default 180, capped by the server).")]
    public int? LifetimeSeconds { get; init; }

    /// <summary>Show the QR code (the default).</summary>
    [CommandOption("--qr")]
    [Description("Draw the QR code in the terminal (default).")]
    public bool Qr { get; init; }

    /// <summary>Leave the QR code out.</summary>
    [CommandOption("--no-qr")]
    [Description("Print only the payload text and expiry, no QR code.")]
    public bool NoQr { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(LicenseNumber))
        {
            return ValidationResult.Error("give the licence number");
        }

        if (Qr && NoQr)
        {
            return ValidationResult.Error("--qr and --no-qr contradict each other");
        }

        return LifetimeSeconds is <= 0
            ? ValidationResult.Error("--lifetime must be a positive number of seconds")
            : ValidationResult.Success();
    }
}

/// <summary>`issue`: asks the registry for a credential and shows it as a QR code (a test and demo aid).</summary>
public sealed class IssueCommand(InspectorEnvironment environment) : InspectorCommand<IssueSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, IssueSettings settings, CancellationToken cancellationToken)
    {
        var request = new IssueCredentialRequest { LicenseNumber = settings.LicenseNumber.Trim().ToUpperInvariant() };
        if (settings.LifetimeSeconds is { } seconds)
        {
            request.Lifetime = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));
        }

        // Retrying is safe: a repeat only mints another short-lived credential.
        var response = await session.WriteAsync(o => session.Registry.IssueCredentialAsync(request, o), cancellationToken);
        return Show(settings, response, (console, r, time) => IssueView.Render(console, r, showQr: !settings.NoQr, time), ExitCodes.Ok);
    }
}
