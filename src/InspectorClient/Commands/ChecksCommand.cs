using System.ComponentModel;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `checks`.</summary>
public sealed class ChecksSettings : PagedSettings
{
    /// <summary>The holder's licence number.</summary>
    [CommandArgument(0, "<license-number>")]
    [Description("Your licence number (the server answers only for the holder it knows the caller as).")]
    public string LicenseNumber { get; init; } = string.Empty;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(LicenseNumber))
        {
            return ValidationResult.Error("give the licence number");
        }

        return ValidatePage();
    }

    /// <summary>The request these settings describe.</summary>
    public ListLicenseChecksRequest ToRequest() => new()
    {
        LicenseNumber = LicenseNumber.Trim().ToUpperInvariant(),
        PageSize = PageSize ?? 0,
        PageToken = PageToken ?? string.Empty,
    };
}

/// <summary>`checks`: the holder's view of who checked their licence, and when.</summary>
public sealed class ChecksCommand(InspectorEnvironment environment) : InspectorCommand<ChecksSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, ChecksSettings settings, CancellationToken cancellationToken)
    {
        var request = settings.ToRequest();
        var response = await session.CallAsync(o => session.Holder.ListLicenseChecksAsync(request, o), cancellationToken);
        return Show(settings, response, ChecksView.Render, ExitCodes.Ok);
    }
}
