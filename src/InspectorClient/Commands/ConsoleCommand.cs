using System.ComponentModel;
using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>
/// The handheld console: scan, decide, move on. Redraws the whole screen after every interaction; reads
/// key by key at a terminal (so a scanner's line and the one-key actions both work) or line by line from
/// a pipe.
/// </summary>
public sealed class ConsoleCommand(InspectorEnvironment environment) : InspectorCommand<ConsoleSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, ConsoleSettings settings, CancellationToken cancellationToken)
    {
        var text = UiText.For(Languages.Resolve(settings.Lang, Environment.GetVariable));
        var console = Environment.Output;
        var officer = settings.Officer?.Trim()
            ?? new[] { Environment.GetVariable(ConsoleSettings.OfficerVariable), Environment.GetVariable("USER") }
                .FirstOrDefault(v => v is not null && ConsoleSettings.IsValidOfficer(v))?.Trim()
            ?? "officer";
        var options = new HandheldOptions(
            officer,
            session.Options.DeviceId,
            session.Options.Server,
            session.Options.Deadline,
            settings.Offline,
            CacheDirectory.Resolve(settings.CacheDir, Environment.GetVariable),
            TimeSpan.FromSeconds(settings.ProbeIntervalSeconds),
            settings.ExportDir is { Length: > 0 } dir ? CacheDirectory.ExpandHome(dir, Environment.GetVariable) : Environment.CurrentDirectory)
        {
            Replicas = session.Options.Servers,
        };

        // The screen must not be interrupted by retry notes, and a scan should fall back to offline
        // quickly: at most one retry, silently. Over the command's own channel: a second session would open a
        // second set of connections and, with several --server addresses, a second health poller of every replica.
        using var quiet = session.WithRetries(Math.Min(session.Options.Retries, 1));
        using var controller = Open(options, settings.Offline ? null : new RpcCheckBackend(quiet), text);
        IPromptInput input = Environment.InputIsInteractive
            ? new KeyPromptInput(console, Environment.Keys ?? console.Input, Environment.Time)
            : new LinePromptInput(console, Environment.Input, () => controller.Limits.Prefix);
        TimeSpan? idle = Environment.InputIsInteractive ? options.ProbeInterval : null;

        Draw(controller, text);
        await controller.StartAsync(cancellationToken);
        while (true)
        {
            Draw(controller, text);
            var next = await input.ReadAsync(HandheldScreen.PromptMarkup(text.ScanPrompt), hotkeys: true, idle, cancellationToken);
            var more = await controller.HandleAsync(next, Ask, cancellationToken);
            if (!more)
            {
                break;
            }
        }

        console.MarkupLine(Markup.Escape(TerminalText.Clean(text.ShiftEnded(controller.State.History.Count, controller.State.Queued, controller.Queue.Path))));
        return ExitCodes.Ok;

        async Task<string?> Ask(string prompt, CancellationToken ct) =>
            await input.ReadAsync(HandheldScreen.PromptMarkup(prompt), hotkeys: false, idle: null, ct) is InputEvent.Line line ? line.Text : null;
    }

    /// <summary>Starts the console's logic; another console on the same cache directory is a usage error.</summary>
    private HandheldController Open(HandheldOptions options, ICheckBackend? backend, UiText text)
    {
        try
        {
            return new HandheldController(options, backend, text, Environment.Time, Environment.GetVariable);
        }
        catch (CacheDirectoryInUseException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    private void Draw(HandheldController controller, UiText text)
    {
        var console = Environment.Output;
        if (Environment.OutputIsTerminal)
        {
            console.Clear(home: true);
        }

        // One row stays free for the prompt.
        var height = console.Profile.Height - 1;
        // Whatever slipped past the cleaning of server answers and messages, no control character reaches the terminal.
        console.Write(new ControlFree(
            HandheldScreen.Build(controller.State, text, Environment.Time, console.Profile.Width, height, fullScreen: Environment.OutputIsTerminal)));
        console.WriteLine();
    }
}
