using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Inspector.Localization;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of the interactive console (`inspector` with no command, or `inspector console`).</summary>
public sealed class ConsoleSettings : GlobalSettings
{
    /// <summary>Environment variable naming the officer.</summary>
    public const string OfficerVariable = "ELICENSE_OFFICER";

    /// <summary>The language.</summary>
    [CommandOption("--lang <LANG>")]
    [Description("Language of the console: zh or en. Default: from LC_ALL / LC_MESSAGES / LANG (zh_* gives Chinese), else English.")]
    public string? Lang { get; init; }

    /// <summary>Never call the server.</summary>
    [CommandOption("--offline")]
    [Description("Work offline: verify signatures and expiry on the handheld with the cached issuer keys, queue every check for later.")]
    public bool Offline { get; init; }

    /// <summary>Where the key cache and the offline queue live.</summary>
    [CommandOption("--cache-dir <DIR>")]
    [Description("Where the issuer keys and the offline queue are kept. Default: $ELICENSE_CACHE_DIR, else $XDG_CACHE_HOME/elicense, else ~/.cache/elicense.")]
    public string? CacheDir { get; init; }

    /// <summary>Who is on shift.</summary>
    [CommandOption("--officer <ID>")]
    [Description("The officer on shift, shown in the header and the CSV export. Default: $ELICENSE_OFFICER, else $USER.")]
    public string? Officer { get; init; }

    /// <summary>How often an idle console checks the connection.</summary>
    [CommandOption("--probe-interval <SECONDS>")]
    [Description("While idle, check the connection (and refresh the keys, and sync the queue) this often.")]
    [DefaultValue(10.0)]
    public double ProbeIntervalSeconds { get; init; } = 10.0;

    /// <summary>Where CSV exports go by default.</summary>
    [CommandOption("--export-dir <DIR>")]
    [Description("Where the shift history CSV goes when no file is named at the prompt. Default: the current directory.")]
    public string? ExportDir { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Json)
        {
            return ValidationResult.Error("--json is for the one-shot commands; the console is interactive");
        }

        if (Lang is not null && !Languages.TryParse(Lang, out _))
        {
            return ValidationResult.Error($"--lang must be one of {Languages.Accepted}");
        }

        if (Officer is not null && !IsValidOfficer(Officer))
        {
            return ValidationResult.Error("--officer must be 1 to 64 printable characters");
        }

        return ProbeIntervalSeconds is >= 1 and <= 3600
            ? ValidationResult.Success()
            : ValidationResult.Error("--probe-interval must be between 1 and 3600 seconds");
    }

    /// <summary>1 to 64 characters, no control characters.</summary>
    public static bool IsValidOfficer(string officer) => officer.Trim().Length is > 0 and <= 64 && !officer.Any(char.IsControl);
}
