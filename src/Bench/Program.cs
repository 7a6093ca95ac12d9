// elicense-bench: the load generator for the ELicense service, its own program so that its process-wide
// runtime settings (Bench.csproj: tiered PGO off, no thread-pool spinning; below: a larger array pool) are not
// the officer's console's. It shares the connection, command frame, exit codes and error lines with the
// inspector through ELicense.Client (src/Client).
//
//   Program.cs            composition: real consoles, clock, environment; Ctrl+C; the array pool
//   BenchApp.cs           the command line and help (exit codes)
//   BenchCommand*.cs      one run: plan, connections, credential pool, loop, report, exit code
//   BenchSettings, BenchPlan, Plan*.cs   the options, validated into a plan part by part
//   OpenLoopScheduler, RateSchedule, ClosedLoopRunner, InFlightLimiter, BenchClock   the loops and their clock
//   GrpcBenchTarget, BenchConnections, BenchRequests, CredentialPool, DeadlineSlots  the calls
//   RoadsideVehicles, MarkMinter, RoadsideOutcome   roadside: pre-minted marks and plates, its answers' shape
//   BenchRecorder*, BenchMonitor, BenchReport*, BenchFiles, HdrLogWriter, SloGates   recording and reports
using ELicense.Bench;
using ELicense.Client.Cli;
using ELicense.Client.Commands;

// The generator keeps hundreds of HTTP/2 streams in flight, each holding a pooled 16 KB buffer. The shared pool
// keeps 32 arrays per core by default, so every stream beyond that allocated a fresh buffer (25 KB of
// garbage per call, and collections to match). The pool reads this once, on first use: set it first.
const string PoolSizeVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PoolSizeVariable)))
{
    Environment.SetEnvironmentVariable(PoolSizeVariable, "1024");
}

var environment = InspectorEnvironment.OfThisProcess();
using var cancellation = CommandLine.CancelOnCtrlC();

return await BenchApp.RunAsync(environment, args, cancellation.Token);
