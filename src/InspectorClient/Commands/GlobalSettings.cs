using System.ComponentModel;
using Spectre.Console.Cli;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>
/// The options of the commands that print one response: the connection options (shared with elicense-bench,
/// in ELicense.Client) and --json.
/// </summary>
public class GlobalSettings : ConnectionSettings
{
    /// <summary>Print the response as JSON.</summary>
    [CommandOption("--json")]
    [Description("Print the response as protobuf JSON (default values included) and nothing else on stdout.")]
    public bool Json { get; init; }
}
