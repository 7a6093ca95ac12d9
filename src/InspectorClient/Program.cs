// inspector: the officer's and transfer desk's console for the ELicense verification service.
//
//   Program.cs            composition: real consoles, stdin, clock, environment; Ctrl+C
//   InspectorApp.cs       the command table, help (exit codes), usage-error handling
//   Commands/             one file per command family; InspectorCommand is the shared frame
//   Connection/           options resolution, channel, per-attempt deadline, Polly retry
//   Rendering/            Spectre views, JSON output, QR drawing, error lines
//   Handheld/             the interactive console (`inspector` alone): input, screen, online/offline logic
//   Offline/              issuer key cache, offline verifier, queue of offline checks and their sync rules
//   Holder/               the holder's refreshing QR code (`inspector holder`)
//   Localization/         every word of the console and the holder screen, English and Chinese
//   Bench/                `bench`, the load generator: schedules, workloads, recording, reports
using ELicense.Inspector;
using Spectre.Console;

// `bench` keeps hundreds of HTTP/2 streams in flight, each holding a pooled 16 KB buffer. The shared pool
// keeps 32 arrays per core by default, so every stream beyond that allocated a fresh buffer (25 KB of
// garbage per call, and collections to match). The pool reads this once, on first use: set it first.
const string PoolSizeVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PoolSizeVariable)))
{
    Environment.SetEnvironmentVariable(PoolSizeVariable, "1024");
}

var environment = new InspectorEnvironment(
    output: AnsiConsole.Console,
    error: AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }),
    input: Console.In,
    time: TimeProvider.System,
    getVariable: Environment.GetEnvironmentVariable,
    machineName: Environment.MachineName)
{
    InputIsInteractive = !Console.IsInputRedirected,
    OutputIsTerminal = !Console.IsOutputRedirected,
    Keys = Console.IsInputRedirected ? null : new ELicense.Inspector.Handheld.TerminalKeys(),
    ErrorIsInteractive = !Console.IsErrorRedirected,
};

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C cancels the call cleanly; a second one ends the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

return await InspectorApp.RunAsync(environment, args, cancellation.Token);
