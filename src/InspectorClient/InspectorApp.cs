using ELicense.Inspector.Commands;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Commands;

namespace ELicense.Inspector;

/// <summary>Builds the command-line application: the command table, help, error handling.</summary>
public static class InspectorApp
{
    /// <summary>The name shown in help.</summary>
    public const string Name = "inspector";

    /// <summary>
    /// Creates the application over the given environment (the real one, or a test's). <paramref name="secrets"/>
    /// (the values given to --api-key, --cert-password and --registry-api-key) are kept out of command-line error messages.
    /// </summary>
    public static CommandApp Create(InspectorEnvironment environment, IReadOnlyCollection<string>? secrets = null)
    {
        var hidden = secrets ?? [];
        var app = new CommandApp();
        // `inspector` alone opens the handheld console.
        app.SetDefaultCommand<ConsoleCommand>();
        app.Configure(config =>
        {
            CommandLine.UseConventions(config, Name, environment, ExitCodes.InspectorTable, HelpFooter, hidden);

            config.AddCommand<VerifyCommand>("verify")
                .WithDescription("Verify a scanned credential or inspection mark (QR text) and show the verdict.")
                .WithExample("verify", "\"EDL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE\"")
                .WithExample("verify", "-", "--device", "gate-3");
            config.AddCommand<LicenseCommand>("license")
                .WithDescription("Look up a licence and show whether it is valid now.")
                .WithExample("license", "11010119900307803X", "--purpose", "roadside-check");
            config.AddCommand<ViolationsCommand>("violations")
                .WithDescription("List a licence's or a plate's violations (unprocessed only unless --all).")
                .WithExample("violations", "--license", "11010119900307803X", "--purpose", "violation-handling")
                .WithExample("violations", "--plate", "京A12345", "--plate-type", "small", "--all");
            config.AddCommand<VehicleCommand>("vehicle")
                .WithDescription("Check a vehicle's status, inspection, insurance and unprocessed violations.")
                .WithExample("vehicle", "--plate", "沪AD12345", "--plate-type", "52")
                .WithExample("vehicle", "--vin", "LSVAU2180N2183294");
            config.AddCommand<TransferCommand>("transfer")
                .WithDescription("Check whether a vehicle may be transferred to a new owner, with every blocking reason.")
                .WithExample("transfer", "--plate", "京A12345", "--plate-type", "02")
                .WithExample("transfer", "--mark", "\"EVM1:…\"");
            config.AddCommand<RoadsideCommand>("roadside")
                .WithDescription("May this driver drive this vehicle: licence, vehicle and the class match in one call.")
                .WithExample("roadside", "--license", "\"EDL1:…\"", "--mark", "\"EVM1:…\"")
                .WithExample("roadside", "--license", "\"EDL1:…\"", "--plate", "京A12345", "--plate-type", "small");
            config.AddCommand<KeysCommand>("keys")
                .WithDescription("List the credential issuer's public keys.");
            config.AddCommand<IssueCommand>("issue")
                .WithDescription("Issue a credential for a licence and draw it as a QR code (registry side; for tests and demos).")
                .WithExample("issue", "11010119900307803X", "--lifetime", "60");
            config.AddCommand<MarkCommand>("mark")
                .WithDescription("Issue a vehicle's electronic inspection mark and draw it as a QR code (registry side).")
                .WithExample("mark", "--plate", "京A12345", "--plate-type", "small")
                .WithExample("mark", "--vin", "LSVAU2180N2183294", "--png", "mark.png");
            config.AddCommand<ChecksCommand>("checks")
                .WithDescription("Holder: list who checked your licence and when.")
                .WithExample("checks", "11010119900307803X", "--page-size", "50");
            config.AddCommand<ConsoleCommand>("console")
                .WithDescription("The handheld console (also `inspector` with no command): scan, decide, move on — online or offline.")
                .WithExample("console", "--lang", "zh", "--officer", "wang")
                .WithExample("console", "--offline");
            config.AddCommand<HolderCommand>("holder")
                .WithDescription("Holder: show your dynamic QR code and refresh it before it expires (--png writes it as an image).")
                .WithExample("holder", "11010119900307803X")
                .WithExample("holder", "11010119900307803X", "--count", "1", "--png", "qr.png");
        });
        return app;
    }

    /// <summary>
    /// Runs the application. The command-line parser reads a lone "-" as a nameless option, so it is
    /// passed on as --stdin (the conventional "read from stdin" argument of `verify`).
    /// </summary>
    public static Task<int> RunAsync(InspectorEnvironment environment, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Create(environment, SecretArguments(args)).RunAsync(NormaliseArguments(args), cancellationToken);

    /// <summary>The values given to the secret options (<see cref="CommandLine.SecretOptions"/>), as "--opt value" or "--opt=value".</summary>
    public static IReadOnlyList<string> SecretArguments(IReadOnlyList<string> args) => CommandLine.SecretArguments(args, CommandLine.SecretOptions);

    /// <summary>Replaces a lone "-" by "--stdin".</summary>
    public static IReadOnlyList<string> NormaliseArguments(IReadOnlyList<string> args) =>
        args.Select(a => a == "-" ? "--stdin" : a).ToList();

    /// <summary>The help footer after the exit codes: environment, authentication, purpose.</summary>
    private static string HelpFooter =>
        ExitCodeHelpProvider.ConnectionFooter(extraVariables: "") +
        Environment.NewLine + "[yellow]PURPOSE:[/]" + Environment.NewLine +
        "    `license` and `violations --license` must state why (--purpose):" + Environment.NewLine +
        "    roadside-check, violation-handling, transfer-registration," + Environment.NewLine +
        "    qualification-proof, other-public-service (or 1-5)." + Environment.NewLine;
}
