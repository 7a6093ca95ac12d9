using System.ComponentModel;
using ELicense.Inspector.Holder;
using ELicense.Inspector.Localization;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `holder`.</summary>
public sealed class HolderSettings : GlobalSettings
{
    /// <summary>The holder's licence number.</summary>
    [CommandArgument(0, "<license-number>")]
    [Description("Your licence number (a holder key issues codes for its own licence only; a registry key for any).")]
    public string LicenseNumber { get; init; } = string.Empty;

    /// <summary>How many codes to show before stopping.</summary>
    [CommandOption("--count <N>")]
    [Description("Stop after this many codes. Default: refresh until Ctrl+C.")]
    public int? Count { get; init; }

    /// <summary>Also write each code as a PNG image.</summary>
    [CommandOption("--png <FILE>")]
    [Description("Also write the current code to this PNG file (replaced at each refresh).")]
    public string? Png { get; init; }

    /// <summary>Requested lifetime.</summary>
    [CommandOption("--lifetime <SECONDS>")]
    [Description("Requested lifetime of each code in seconds (server default 180, capped by the server).")]
    public int? LifetimeSeconds { get; init; }

    /// <summary>The language.</summary>
    [CommandOption("--lang <LANG>")]
    [Description("Language: zh or en. Default: from LC_ALL / LC_MESSAGES / LANG.")]
    public string? Lang { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(LicenseNumber))
        {
            return ValidationResult.Error("give the licence number");
        }

        if (Count is < 1)
        {
            return ValidationResult.Error("--count must be at least 1");
        }

        if (LifetimeSeconds is <= 0)
        {
            return ValidationResult.Error("--lifetime must be a positive number of seconds");
        }

        if (Json)
        {
            return ValidationResult.Error("--json is not available for holder (use `issue --json`)");
        }

        return Lang is not null && !Languages.TryParse(Lang, out _)
            ? ValidationResult.Error($"--lang must be one of {Languages.Accepted}")
            : ValidationResult.Success();
    }
}

/// <summary>
/// `holder`: the holder's dynamic QR code, as the app shows it — issued by the server (IssueCredential,
/// registry or holder role), drawn in the terminal, replaced by a fresh one before it expires.
/// </summary>
public sealed class HolderCommand(InspectorEnvironment environment) : InspectorCommand<HolderSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, HolderSettings settings, CancellationToken cancellationToken)
    {
        var text = UiText.For(Languages.Resolve(settings.Lang, Environment.GetVariable));
        var request = new IssueCredentialRequest { LicenseNumber = settings.LicenseNumber.Trim().ToUpperInvariant() };
        if (settings.LifetimeSeconds is { } seconds)
        {
            request.Lifetime = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));
        }

        for (var shown = 1; ; shown++)
        {
            // Retrying is safe: a repeat only mints another short-lived credential.
            var credential = await session.WriteAsync(o => session.Registry.IssueCredentialAsync(request, o), cancellationToken);
            string? png = null;
            if (settings.Png is { Length: > 0 } path)
            {
                QrPng.Write(path, credential.QrPayload);
                png = Path.GetFullPath(path);
            }

            if (Environment.OutputIsTerminal)
            {
                Environment.Output.Clear(home: true);
            }

            var wait = HolderScreen.RefreshAfter(credential);
            var refreshAt = Environment.Time.GetUtcNow() + wait;
            var last = settings.Count is { } count && shown >= count;
            HolderScreen.Render(Environment.Output, credential, last ? null : refreshAt, shown, settings.Count, png, text, Environment.Time);
            if (last)
            {
                return ExitCodes.Ok;
            }

            await Task.Delay(wait, Environment.Time, cancellationToken);
        }
    }
}
