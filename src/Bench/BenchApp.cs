using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Commands;

namespace ELicense.Bench;

/// <summary>
/// The command line of elicense-bench: one command (the load test), its help with the exit codes, and the
/// inspector's conventions for usage errors and secrets (shared through ELicense.Client).
/// </summary>
public static class BenchApp
{
    /// <summary>The program's name, as in help.</summary>
    public const string Name = "elicense-bench";

    /// <summary>
    /// Creates the application over the given environment (the real one, or a test's). <paramref name="secrets"/>
    /// (the values given to --api-key, --cert-password and --registry-api-key) are kept out of error messages.
    /// </summary>
    public static CommandApp Create(InspectorEnvironment environment, IReadOnlyCollection<string>? secrets = null)
    {
        var hidden = secrets ?? [];
        var app = new CommandApp();
        app.SetDefaultCommand<BenchCommand>()
            .WithDescription("Load-test the ELicense service: open loop at a rate (latency without coordinated omission) or closed loop (max throughput); SLO gates.");
        app.Configure(config =>
        {
            CommandLine.UseConventions(config, Name, environment, ExitCodes.Table, HelpFooter, hidden);
            config.AddExample("license", "--keys", "keys.txt", "--rate", "1000", "--duration", "30s", "--max-p99", "5ms");
            config.AddExample("--mix", "license=70,verify=20,vehicle=10", "--keys", "keys.txt", "--ramp", "500:5000:60s", "--json", "report.json");
            config.AddExample("license", "--keys", "keys.txt", "--concurrency", "256", "--connections", "8");
            config.AddExample("roadside", "--keys", "keys-roadside.txt", "--mark-key", "data/issuer-dev-key.pem", "--rate", "500", "--duration", "30s");
        });
        return app;
    }

    /// <summary>Runs the application; the secret options' values never appear in a command-line error.</summary>
    public static Task<int> RunAsync(InspectorEnvironment environment, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Create(environment, CommandLine.SecretArguments(args, CommandLine.SecretOptions)).RunAsync(args, cancellationToken);

    private static string HelpFooter =>
        ExitCodeHelpProvider.ConnectionFooter(
            extraVariables: "    ELICENSE_REGISTRY_API_KEY default for --registry-api-key (never printed)" + Environment.NewLine);
}
