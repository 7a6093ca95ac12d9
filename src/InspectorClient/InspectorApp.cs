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

    /// <summary>Creates the application over the given environment (the real one, or a test's).</summary>
    public static CommandApp Create(InspectorEnvironment environment)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName(Name);
            config.Settings.Console = environment.Output;
            config.Settings.Registrar.RegisterInstance(environment);
            config.Settings.CancellationExitCode = ExitCodes.Cancelled;
            config.SetHelpProvider(new ExitCodeHelpProvider(config.Settings));
            config.SetExceptionHandler((exception, _) => HandleException(environment, exception));

            config.AddCommand<VerifyCommand>("verify")
                .WithDescription("Verify a scanned credential (QR text) and show the verdict.")
                .WithExample("verify", "\"EDL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE\"")
                .WithExample("verify", "-", "--device", "gate-3");
            config.AddCommand<LicenseCommand>("license")
                .WithDescription("Look up a licence and show whether it is valid now.")
                .WithExample("license", "11010119900307803X");
            config.AddCommand<ViolationsCommand>("violations")
                .WithDescription("List a licence's or a plate's violations (unprocessed only unless --all).")
                .WithExample("violations", "--license", "11010119900307803X")
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
        });
        return app;
    }

    /// <summary>
    /// Runs the application. The command-line parser reads a lone "-" as a nameless option, so it is
    /// passed on as --stdin (the conventional "read from stdin" argument of `verify`).
    /// </summary>
    public static Task<int> RunAsync(InspectorEnvironment environment, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Create(environment).RunAsync(NormaliseArguments(args), cancellationToken);

    /// <summary>Replaces a lone "-" by "--stdin".</summary>
    public static IReadOnlyList<string> NormaliseArguments(IReadOnlyList<string> args) =>
        args.Select(a => a == "-" ? "--stdin" : a).ToList();

    private static int HandleException(InspectorEnvironment environment, Exception exception)
    {
        switch (exception)
        {
            case CommandAppException { Pretty: { } pretty }:
                environment.Error.Write(pretty);
                return ExitCodes.Usage;
            case CommandAppException:
                ErrorView.WriteUsage(environment.Error, exception.Message);
                return ExitCodes.Usage;
            case OperationCanceledException:
                environment.Error.MarkupLine($"[{Palette.Amber}]cancelled[/]");
                return ExitCodes.Cancelled;
            default:
                environment.Error.MarkupLine(
                    $"[bold {Palette.Red}]internal error:[/] {Markup.Escape(exception.GetType().Name)}: {Markup.Escape(exception.Message)}");
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
                "    ELICENSE_SERVER    default for --server" + Environment.NewLine +
                "    ELICENSE_DEVICE    default for --device" + Environment.NewLine);
        }
    }
}
