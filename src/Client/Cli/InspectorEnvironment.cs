namespace ELicense.Client.Cli;

/// <summary>
/// Everything the commands take from the outside world, so that tests can supply their own: the output
/// console (stdout), the error console (stderr), standard input, the clock and the environment.
/// </summary>
public sealed class InspectorEnvironment(
    Spectre.Console.IAnsiConsole output,
    Spectre.Console.IAnsiConsole error,
    TextReader input,
    TimeProvider time,
    Func<string, string?> getVariable,
    string machineName)
{
    /// <summary>Where results go (stdout). With --json nothing else is written here.</summary>
    public Spectre.Console.IAnsiConsole Output { get; } = output;

    /// <summary>Where errors, prompts and retry notes go (stderr).</summary>
    public Spectre.Console.IAnsiConsole Error { get; } = error;

    /// <summary>Standard input, for `verify` without a payload (a barcode scanner types a line).</summary>
    public TextReader Input { get; } = input;

    /// <summary>The clock and local time zone.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Reads an environment variable.</summary>
    public Func<string, string?> GetVariable { get; } = getVariable;

    /// <summary>This machine's name, for the default device id.</summary>
    public string MachineName { get; } = machineName;

    /// <summary>True when input is typed at a terminal rather than piped.</summary>
    public bool InputIsInteractive { get; init; }

    /// <summary>
    /// The keyboard, key by key, for the interactive console; null to use the output console's input
    /// (a test console's queue of keys).
    /// </summary>
    public Spectre.Console.IAnsiConsoleInput? Keys { get; init; }

    /// <summary>True when stdout is a terminal, so that the console may clear and redraw the screen.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>The current directory, where exports go by default.</summary>
    public string CurrentDirectory { get; init; } = System.IO.Directory.GetCurrentDirectory();

    /// <summary>True when stderr is a terminal: live progress lines are written there only then.</summary>
    public bool ErrorIsInteractive { get; init; }

    /// <summary>
    /// This process's environment: the real stdout and stderr consoles, stdin, the system clock and variables.
    /// <paramref name="terminalKeys"/> makes the key-by-key keyboard, asked for only when stdin is a terminal.
    /// </summary>
    public static InspectorEnvironment OfThisProcess(Func<Spectre.Console.IAnsiConsoleInput>? terminalKeys = null) =>
        new(output: Spectre.Console.AnsiConsole.Console,
            error: Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) }),
            input: Console.In,
            time: TimeProvider.System,
            getVariable: Environment.GetEnvironmentVariable,
            machineName: Environment.MachineName)
        {
            InputIsInteractive = !Console.IsInputRedirected,
            OutputIsTerminal = !Console.IsOutputRedirected,
            Keys = Console.IsInputRedirected ? null : terminalKeys?.Invoke(),
            ErrorIsInteractive = !Console.IsErrorRedirected,
        };
}
