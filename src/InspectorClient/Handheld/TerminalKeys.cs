using Spectre.Console;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The terminal's keyboard, read directly: Spectre's own input refuses to read when it judges the
/// session non-interactive (for instance when a CI variable is set), but a handheld with a terminal on
/// stdin is interactive whatever the environment says.
/// </summary>
public sealed class TerminalKeys : IAnsiConsoleInput
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <inheritdoc />
    public bool IsKeyAvailable() => Console.KeyAvailable;

    /// <inheritdoc />
    public ConsoleKeyInfo? ReadKey(bool intercept) => Console.ReadKey(intercept);

    /// <inheritdoc />
    public async Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken)
    {
        // Console.ReadKey cannot be cancelled; waiting for a key first keeps Ctrl+C and the idle tick working.
        while (!Console.KeyAvailable)
        {
            await Task.Delay(Poll, cancellationToken);
        }

        return Console.ReadKey(intercept);
    }
}
