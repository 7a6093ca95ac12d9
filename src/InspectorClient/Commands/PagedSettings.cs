using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of the commands that list pages: page size and the token of the next page.</summary>
public abstract class PagedSettings : GlobalSettings
{
    /// <summary>The largest page the server accepts.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Page size.</summary>
    [CommandOption("--page-size <N>")]
    [Description("Entries per page, 1 to 100 (server default 20).")]
    public int? PageSize { get; init; }

    /// <summary>Page token.</summary>
    [CommandOption("--page-token <TOKEN>")]
    [Description("The next-page token printed by the previous page.")]
    public string? PageToken { get; init; }

    /// <summary>The page-size check every paged command makes.</summary>
    protected ValidationResult ValidatePage() =>
        PageSize is < 1 or > MaxPageSize
            ? ValidationResult.Error($"--page-size must be between 1 and {MaxPageSize}")
            : ValidationResult.Success();
}
