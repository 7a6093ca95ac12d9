using Spectre.Console;
using ELicense.Inspector.Offline;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// Reads whole lines from a pipe (a scanner on a serial bridge, a script, a test): a line that is one
/// hotkey letter is that action; end of input ends the shift. <paramref name="scanPrefix"/> gives the
/// licence prefix in force (the console's published policy); without it, Core's default prefix.
/// </summary>
public sealed class LinePromptInput(IAnsiConsole console, TextReader input, Func<string>? scanPrefix = null) : IPromptInput
{
    /// <inheritdoc />
    public async Task<InputEvent> ReadAsync(string promptMarkup, bool hotkeys, TimeSpan? idle, CancellationToken cancellationToken)
    {
        console.Markup(promptMarkup);
        var line = await input.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            console.WriteLine();
            return new InputEvent.End();
        }

        // Only the line ending goes: a space is a valid Base45 character.
        line = line.TrimEnd('\r', '\n');
        // The echo is the line as read, but without control characters: a hostile line must not drive the terminal.
        console.WriteLine(Rendering.TerminalText.Clean(line.StartsWith(ScanPrefix, StringComparison.Ordinal) || line.StartsWith(ScanLimits.Default.MarkPrefix, StringComparison.Ordinal) ? Shorten(line) : line));
        return hotkeys && Hotkeys.FromLine(line) is { } action ? new InputEvent.Key(action) : new InputEvent.Line(line);
    }

    private string ScanPrefix => scanPrefix?.Invoke() ?? ScanLimits.Default.Prefix;

    // The echo of a piped scan stays one line; the whole text is what is checked.
    private static string Shorten(string payload) => payload.Length <= 40 ? payload : payload[..40] + "…";
}
