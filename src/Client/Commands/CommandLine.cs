using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Rendering;

namespace ELicense.Client.Commands;

/// <summary>
/// The command-line conventions the inspector and elicense-bench share: which arguments are secrets, and how an
/// exception that escapes a command becomes one line and an exit code (never a stack trace, never a secret).
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// The secret options: --api-key and --cert-password of both programs, and elicense-bench's --registry-api-key
    /// (kept secret in the inspector too: `inspector bench … --registry-api-key KEY`, from before the load
    /// generator was its own program, must not echo the key in the unknown-command error).
    /// </summary>
    public static readonly IReadOnlyList<string> SecretOptions = ["--api-key", "--cert-password", "--registry-api-key"];

    /// <summary>The values given to <paramref name="options"/>, as "--opt value" or "--opt=value" (or "--opt:value").</summary>
    public static IReadOnlyList<string> SecretArguments(IReadOnlyList<string> args, IReadOnlyCollection<string> options)
    {
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

    /// <summary>
    /// Turns an exception the command-line parser or a command let through into one line on stderr and an exit
    /// code; <paramref name="secrets"/> (the values of the secret options) are replaced by "***".
    /// </summary>
    public static int HandleException(InspectorEnvironment environment, Exception exception, IReadOnlyCollection<string> secrets)
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

    /// <summary>
    /// A cancellation that the first Ctrl+C triggers, so the command ends cleanly (the console's call, the load
    /// generator's run with its report so far); a second Ctrl+C ends the process.
    /// </summary>
    public static CancellationTokenSource CancelOnCtrlC()
    {
        var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        return cancellation;
    }

    /// <summary>
    /// The conventions every ELicense command line shares: its name, the consoles and environment the commands
    /// get, the cancellation exit code, help with the program's exit codes and <paramref name="footer"/>, and
    /// exceptions as one line on stderr with <paramref name="secrets"/> masked.
    /// </summary>
    public static void UseConventions(IConfigurator config, string name, InspectorEnvironment environment,
        IReadOnlyList<(int Code, string Meaning)> exitCodes, string footer, IReadOnlyCollection<string> secrets)
    {
        config.SetApplicationName(name);
        config.Settings.Console = environment.Output;
        config.Settings.Registrar.RegisterInstance(environment);
        config.Settings.CancellationExitCode = ExitCodes.Cancelled;
        config.SetHelpProvider(new ExitCodeHelpProvider(config.Settings, exitCodes, footer));
        config.SetExceptionHandler((exception, _) => HandleException(environment, exception, secrets));
    }
}
