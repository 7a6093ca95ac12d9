using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace ELicense.Client.Commands;

/// <summary>
/// The standard help with the exit codes appended, then the program's own footer (environment variables,
/// authentication…) as Spectre markup.
/// </summary>
public sealed class ExitCodeHelpProvider(ICommandAppSettings settings, IReadOnlyList<(int Code, string Meaning)> exitCodes, string footer)
    : HelpProvider(settings)
{
    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetFooter(model, command))
        {
            yield return renderable;
        }

        var grid = new Grid();
        grid.AddColumn(new GridColumn().PadLeft(4).PadRight(4));
        grid.AddColumn();
        foreach (var (code, meaning) in exitCodes)
        {
            grid.AddRow(new Text(code.ToString(CultureInfo.InvariantCulture)), new Text(meaning));
        }

        yield return new Markup(Environment.NewLine + "[yellow]EXIT CODES:[/]" + Environment.NewLine);
        yield return grid;
        yield return new Markup(footer);
    }

    /// <summary>The connection's environment variables and authentication rules, as both programs print them.</summary>
    public static string ConnectionFooter(string extraVariables) =>
        Environment.NewLine + "[yellow]ENVIRONMENT:[/]" + Environment.NewLine +
        "    ELICENSE_SERVER           default for --server" + Environment.NewLine +
        "    ELICENSE_DEVICE           default for --device" + Environment.NewLine +
        "    ELICENSE_API_KEY          default for --api-key (never printed)" + Environment.NewLine +
        extraVariables +
        "    ELICENSE_CERT             default for --cert" + Environment.NewLine +
        "    ELICENSE_CERT_KEY         default for --cert-key" + Environment.NewLine +
        "    ELICENSE_CERT_PASSWORD    default for --cert-password (never printed)" + Environment.NewLine +
        "    ELICENSE_CA               default for --ca" + Environment.NewLine +
        Environment.NewLine + "[yellow]AUTHENTICATION:[/]" + Environment.NewLine +
        "    Each call carries the API key (authorization: Bearer KEY) and/or" + Environment.NewLine +
        "    presents the client certificate (mutual TLS). An API key goes over" + Environment.NewLine +
        "    plain http:// only to a loopback host (127.0.0.0/8, ::1, localhost);" + Environment.NewLine +
        "    --cert and --ca need an https:// server." + Environment.NewLine;
}
