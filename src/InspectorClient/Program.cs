// inspector: the officer's and transfer desk's console for the ELicense verification service.
//
//   Program.cs            composition: real consoles, stdin, clock, environment; Ctrl+C
//   InspectorApp.cs       the command table, help (exit codes), usage-error handling
//   Commands/             one file per command family; InspectorCommand is their frame
//   Rendering/            Spectre views, JSON output, QR drawing
//   Handheld/             the interactive console (`inspector` alone): input, screen, online/offline logic
//   Offline/              issuer key cache, offline verifier, queue of offline checks and their sync rules
//   Holder/               the holder's refreshing QR code (`inspector holder`)
//   Localization/         every word of the console and the holder screen, English and Chinese
//   src/Client            ELicense.Client, shared with elicense-bench (src/Bench, the load generator, its own
//                         program): Cli/ (environment, exit codes, usage errors, secrets, option parsers),
//                         Connection/ (options, TLS, API key, retry, session), Rendering/ErrorView, Commands/
//                         (SessionCommand, the frame under InspectorCommand; CommandLine; help)
using ELicense.Inspector;
using ELicense.Client.Cli;
using ELicense.Client.Commands;

var environment = InspectorEnvironment.OfThisProcess(() => new ELicense.Inspector.Handheld.TerminalKeys());
using var cancellation = CommandLine.CancelOnCtrlC();

return await InspectorApp.RunAsync(environment, args, cancellation.Token);
