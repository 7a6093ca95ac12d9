using System.ComponentModel;
using ELicense.Inspector.Connection;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `license`.</summary>
public sealed class LicenseSettings : GlobalSettings
{
    /// <summary>The licence number.</summary>
    [CommandArgument(0, "<number>")]
    [Description("The licence number (18-character resident identity number).")]
    public string Number { get; init; } = string.Empty;
}

/// <summary>`license`: looks up a licence and shows whether it is valid now.</summary>
public sealed class LicenseCommand(InspectorEnvironment environment) : InspectorCommand<LicenseSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, LicenseSettings settings, CancellationToken cancellationToken)
    {
        var request = new GetLicenseRequest { LicenseNumber = settings.Number.Trim().ToUpperInvariant() };
        var response = await session.CallAsync(o => session.Verification.GetLicenseAsync(request, o), cancellationToken);
        if (settings.Json)
        {
            JsonOutput.Write(Environment.Output, response);
        }
        else
        {
            LicenseView.Render(Environment.Output, response, Environment.Time);
        }

        return response.ValidNow ? ExitCodes.Ok : ExitCodes.NotValid;
    }
}
