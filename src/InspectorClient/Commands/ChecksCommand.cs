using System.ComponentModel;
using ELicense.Inspector.Connection;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `checks`.</summary>
public sealed class ChecksSettings : GlobalSettings
{
    /// <summary>The largest page the server accepts.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The holder's licence number.</summary>
    [CommandArgument(0, "<license-number>")]
    [Description("Your licence number (the server answers only for the holder it knows the caller as).")]
    public string LicenseNumber { get; init; } = string.Empty;

    /// <summary>Page size.</summary>
    [CommandOption("--page-size <N>")]
    [Description("Checks per page, 1 to 100 (server default 20).")]
    public int? PageSize { get; init; }

    /// <summary>Page token.</summary>
    [CommandOption("--page-token <TOKEN>")]
    [Description("The next-page token printed by the previous page.")]
    public string? PageToken { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(LicenseNumber))
        {
            return ValidationResult.Error("give the licence number");
        }

        return PageSize is < 1 or > MaxPageSize
            ? ValidationResult.Error($"--page-size must be between 1 and {MaxPageSize}")
            : ValidationResult.Success();
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
