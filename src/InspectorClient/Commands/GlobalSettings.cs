using System.ComponentModel;
using Spectre.Console.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>The options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    /// <summary>The server URL.</summary>
    [CommandOption("--server <URL>")]
    [Description("Server URL, http:// or https://. Default: $ELICENSE_SERVER, else http://127.0.0.1:5080.")]
    public string? Server { get; init; }

    /// <summary>The per-attempt deadline in seconds.</summary>
    [CommandOption("--deadline <SECONDS>")]
    [Description("Deadline of each call attempt, in seconds.")]
    [DefaultValue(5.0)]
    public double DeadlineSeconds { get; init; } = 5.0;

    /// <summary>Print the response as JSON.</summary>
    [CommandOption("--json")]
    [Description("Print the response as protobuf JSON (default values included) and nothing else on stdout.")]
    public bool Json { get; init; }

    /// <summary>This device's id.</summary>
    [CommandOption("--device <ID>")]
    [Description("Device id sent with scans. Default: $ELICENSE_DEVICE, else inspector-<machine name>.")]
    public string? Device { get; init; }

    /// <summary>Retries on UNAVAILABLE.</summary>
    [CommandOption("--retries <N>")]
    [Description("Retries when the server is unavailable (jittered exponential backoff from 200 ms).")]
    [DefaultValue(2)]
    public int Retries { get; init; } = 2;
}
