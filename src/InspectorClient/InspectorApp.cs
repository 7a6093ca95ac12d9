using ELicense.Inspector.Bench;
using ELicense.Inspector.Commands;
using ELicense.Inspector.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

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
            config.SetApplicationName(Name);
            config.Settings.Console = environment.Output;
            config.Settings.Registrar.RegisterInstance(environment);
            config.Settings.CancellationExitCode = ExitCodes.Cancelled;
            config.SetHelpProvider(new ExitCodeHelpProvider(config.Settings));
            config.SetExceptionHandler((exception, _) => HandleException(environment, exception, hidden));

            config.AddCommand<VerifyCommand>("verify")
                .WithDescription("Verify a scanned credential (QR text) and show the verdict.")
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
                .WithExample("transfer", "--plate", "京A12345", "--plate-type", "02");
            config.AddCommand<KeysCommand>("keys")
                .WithDescription("List the credential issuer's public keys.");
            config.AddCommand<IssueCommand>("issue")
                .WithDescription("Issue a credential for a licence and draw it as a QR code (registry side; for tests and demos).")
                .WithExample("issue", "11010119900307803X", "--lifetime", "60");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Load-test the service: open loop at a rate (latency without coordinated omission) or closed loop (max throughput); SLO gates.")
                .WithExample("bench", "license", "--keys", "keys.txt", "--rate", "1000", "--duration", "30s", "--max-p99", "5ms")
                .WithExample("bench", "--mix", "license=70,verify=20,vehicle=10", "--keys", "keys.txt", "--ramp", "500:5000:60s", "--json", "report.json")
                .WithExample("bench", "license", "--keys", "keys.txt", "--concurrency", "256", "--connections", "8");
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

    /// <summary>The values given to the secret options (--api-key, --cert-password, --registry-api-key), as "--opt value" or "--opt=value".</summary>
    public static IReadOnlyList<string> SecretArguments(IReadOnlyList<string> args)
    {
        string[] options = ["--api-key", "--cert-password", "--registry-api-key"];
        var secrets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            foreach (var option in options)
            {
                if (args[i] == option && i + 1 < args.Count)
                {
                    secrets.Add(args[i + 1]);
                }
                else if (args[i].Length > option.Length + 1 && args[i].StartsWith(option, StringComparison.Ordinal)
                    && args[i][option.Length] is '=' or ':')
                {
                    secrets.Add(args[i][(option.Length + 1)..]);
                }
            }
        }

        return secrets.Where(s => s.Length > 0).ToList();
    }

    /// <summary>Replaces a lone "-" by "--stdin".</summary>
    public static IReadOnlyList<string> NormaliseArguments(IReadOnlyList<string> args) =>
        args.Select(a => a == "-" ? "--stdin" : a).ToList();

    private static int HandleException(InspectorEnvironment environment, Exception exception, IReadOnlyCollection<string> secrets)
    {
        var message = secrets.Aggregate(exception.Message, (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal));
        switch (exception)
        {
            // The pretty form echoes the command line, secrets included: with a secret given, the plain message only.
            case CommandAppException { Pretty: { } pretty } when secrets.Count == 0:
                environment.Error.Write(pretty);
                return ExitCodes.Usage;
            case CommandAppException:
                ErrorView.WriteUsage(environment.Error, message);
                return ExitCodes.Usage;
            case OperationCanceledException:
                environment.Error.MarkupLine($"[{Palette.Amber}]cancelled[/]");
                return ExitCodes.Cancelled;
            default:
                environment.Error.MarkupLine(
                    $"[bold {Palette.Red}]internal error:[/] {Markup.Escape(exception.GetType().Name)}: {Markup.Escape(message)}");
                return ExitCodes.Internal;
        }
    }

    /// <summary>The standard help with the exit codes and environment variables appended.</summary>
    private sealed class ExitCodeHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
    {
        public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
        {
            foreach (var renderable in base.GetFooter(model, command))
            {
                yield return renderable;
            }

            var grid = new Grid();
            grid.AddColumn(new GridColumn().PadLeft(4).PadRight(4));
            grid.AddColumn();
            foreach (var (code, meaning) in ExitCodes.Table)
            {
                grid.AddRow(new Text(code.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(meaning));
            }

            yield return new Markup(Environment.NewLine + "[yellow]EXIT CODES:[/]" + Environment.NewLine);
            yield return grid;
            yield return new Markup(
                Environment.NewLine + "[yellow]ENVIRONMENT:[/]" + Environment.NewLine +
                "    ELICENSE_SERVER           default for --server" + Environment.NewLine +
                "    ELICENSE_DEVICE           default for --device" + Environment.NewLine +
                "    ELICENSE_API_KEY          default for --api-key (never printed)" + Environment.NewLine +
                "    ELICENSE_REGISTRY_API_KEY default for bench --registry-api-key (never printed)" + Environment.NewLine +
                "    ELICENSE_CERT             default for --cert" + Environment.NewLine +
                "    ELICENSE_CERT_KEY         default for --cert-key" + Environment.NewLine +
                "    ELICENSE_CERT_PASSWORD    default for --cert-password (never printed)" + Environment.NewLine +
                "    ELICENSE_CA               default for --ca" + Environment.NewLine +
                Environment.NewLine + "[yellow]AUTHENTICATION:[/]" + Environment.NewLine +
                "    Each call carries the API key (authorization: Bearer KEY) and/or" + Environment.NewLine +
                "    presents the client certificate (mutual TLS). An API key goes over" + Environment.NewLine +
                "    plain http:// only to a loopback host (127.0.0.0/8, ::1, localhost);" + Environment.NewLine +
                "    --cert and --ca need an https:// server." + Environment.NewLine +
                Environment.NewLine + "[yellow]PURPOSE:[/]" + Environment.NewLine +
                "    `license` and `violations --license` must state why (--purpose):" + Environment.NewLine +
                "    roadside-check, violation-handling, transfer-registration," + Environment.NewLine +
                "    qualification-proof, other-public-service (or 1-5)." + Environment.NewLine);
        }
    }
}
