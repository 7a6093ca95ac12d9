using System.Text;
using Spectre.Console;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// Reads key by key from a terminal, echoing what is typed: a barcode scanner in keyboard mode types the
/// QR text and Enter, which ends the line like any other; a hotkey at an empty prompt acts at once.
/// </summary>
public sealed class KeyPromptInput(IAnsiConsole console, IAnsiConsoleInput keys, TimeProvider time) : IPromptInput
{
    /// <inheritdoc />
    public async Task<InputEvent> ReadAsync(string promptMarkup, bool hotkeys, TimeSpan? idle, CancellationToken cancellationToken)
    {
        console.Markup(promptMarkup);
        var buffer = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo? read;
            using (var wait = idle is { } after && buffer.Length == 0
                       ? new CancellationTokenSource(after, time)
                       : new CancellationTokenSource())
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token))
            {
                try
                {
                    read = await keys.ReadKeyAsync(intercept: true, linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    read = null;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (read is null)
                {
                    if (wait.IsCancellationRequested && buffer.Length == 0)
                    {
                        return new InputEvent.Tick();
                    }

                    continue;
                }
            }

            var key = read.Value;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    console.WriteLine();
                    return new InputEvent.Line(buffer.ToString());
                case ConsoleKey.Backspace when buffer.Length > 0:
                    var removed = buffer[^1];
                    buffer.Length--;
                    var cells = CellWidth(removed);
                    console.Write(new string('\b', cells) + new string(' ', cells) + new string('\b', cells));
                    continue;
                case ConsoleKey.Escape:
                    // Escape empties the line: erase what was echoed.
                    var width = buffer.ToString().Sum(CellWidth);
                    console.Write(new string('\b', width) + new string(' ', width) + new string('\b', width));
                    buffer.Clear();
                    continue;
            }

            if (hotkeys && buffer.Length == 0 && Hotkeys.FromKey(key.KeyChar) is { } action)
            {
                console.WriteLine();
                return new InputEvent.Key(action);
            }

            // Control characters and bidirectional overrides are neither kept nor echoed (see TerminalText).
            if (key.KeyChar != '\0' && !Rendering.TerminalText.IsUnsafe(key.KeyChar))
            {
                buffer.Append(key.KeyChar);
                console.Write(new Text(key.KeyChar.ToString()));
            }
        }
    }

    /// <summary>Terminal cells a character takes: two for East Asian wide characters (CJK), one otherwise.</summary>
    public static int CellWidth(char c) =>
        c is (>= '\u1100' and <= '\u115F') or (>= '\u2E80' and <= '\uA4CF') or (>= '\uAC00' and <= '\uD7A3')
            or (>= '\uF900' and <= '\uFAFF') or (>= '\uFE30' and <= '\uFE4F') or (>= '\uFF00' and <= '\uFF60') or (>= '\uFFE0' and <= '\uFFE6')
            ? 2
            : 1;
}
