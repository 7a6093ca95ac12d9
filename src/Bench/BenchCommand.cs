using Grpc.Core;
using Spectre.Console;
using ELicense.Client.Cli;
using ELicense.Client.Connection;
using ELicense.Client.Rendering;
using ELicense.Client.Commands;

namespace ELicense.Bench;

/// <summary>
/// elicense-bench: a load generator for the verification service. Open loop (a rate schedule, latency from each
/// request's due time) or closed loop (N workers, max throughput); workloads license, verify, violations,
/// vehicle, transfer, roadside or a weighted mix; report as a table, JSON, CSV and an HdrHistogram log; SLO gates.
/// This part runs one load test; BenchCommand.Credentials.cs mints the licence credentials (verify, roadside)
/// and roadside's inspection marks before it.
/// </summary>
public sealed partial class BenchCommand(InspectorEnvironment environment) : SessionCommand<BenchSettings>(environment)
{
    /// <summary>After Ctrl+C, how long answers in flight are waited for before they are cancelled.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, BenchSettings settings, CancellationToken cancellationToken)
    {
        if (!BenchPlan.TryCreate(settings, Environment.GetVariable, out var plan, out var error))
        {
            throw new UsageException(error);
        }

        var options = session.Options;
        if (plan.RegistryApiKey is not null && !options.UsesTls && options.Servers.FirstOrDefault(s => !ConnectionOptions.IsLoopback(s)) is { } remote)
        {
            throw new UsageException($"refusing to send the registry API key over plain http:// to {remote.Host}, which is not a loopback host: use an https:// server.");
        }

        var keys = BenchKeys.Load(plan.KeysFile);
        // Opened first, so that an unwritable path fails before any load; the header is written at the start.
        using var logFile = OpenLog(plan.HdrLogFile);
        var requests = BenchRequests.Build(keys, plan.Mix, plan.Seed, plan.Purpose, plan.ViolationsByPlate);
        using var connections = new BenchConnections(options, plan.Connections);
        var headers = BenchConnections.Headers(options.ApiKey);
        await connections.OpenAsync(headers, options.Deadline, Environment.Time, cancellationToken);

        var roadside = plan.Mix.Contains(Workload.Roadside) ? BuildRoadside(plan, keys) : null;
        var pool = plan.Mix.Entries.Any(e => Workloads.SendsCredentials(e.Workload))
            ? await FillPoolAsync(plan, options, connections, requests, cancellationToken)
            : null;
        var mintedBefore = pool?.Minted ?? 0;

        var clock = new BenchClock(Environment.Time, ReferenceEquals(Environment.Time, TimeProvider.System) ? BenchClock.DefaultSpinWindow : TimeSpan.Zero);
        var recorder = new BenchRecorder(plan.Mix.Entries.Select(e => Workloads.Name(e.Workload)).ToArray(), clock.Frequency, plan.OpenLoop is not null);
        using var abort = new CancellationTokenSource();
        using var deadlines = new DeadlineSlots(options.Deadline, Environment.Time, abort.Token);
        var target = new GrpcBenchTarget(connections.Verification, headers, deadlines, plan.Mix, plan.Skew, plan.Seed, requests, pool, roadside);

        await using var graceOnStop = cancellationToken.Register(() => abort.CancelAfter(ShutdownGrace));
        using var background = new CancellationTokenSource();
        var refill = pool?.RefillAsync(MintParallelism / 2, ExpectedVerifies(plan), background.Token) ?? Task.CompletedTask;

        RunTimes times;
        long timesFull = 0;
        BenchMonitor monitor;
        Task monitoring;
        var start = clock.Now;
        var startedAt = Environment.Time.GetUtcNow();
        var measureStart = start + clock.ToTicks(plan.Warmup);
        using var log = logFile is null ? null : new HdrLogWriter(logFile, Environment.Time.GetUtcNow() + plan.Warmup);
        var progress = Environment.ErrorIsInteractive && !plan.Quiet ? Environment.Error.Profile.Out.Writer : null;
        if (plan.OpenLoop is { } open)
        {
            var scheduler = new OpenLoopScheduler(clock, open, target, recorder);
            monitor = new BenchMonitor(recorder, clock, start, measureStart, progress, log, () => scheduler.InFlight);
            monitoring = monitor.RunAsync(background.Token);
            times = await scheduler.RunAsync(cancellationToken, abort.Token);
            timesFull = scheduler.TimesFull;
        }
        else
        {
            var runner = new ClosedLoopRunner(clock, plan.ClosedLoop!, target, recorder);
            monitor = new BenchMonitor(recorder, clock, start, measureStart, progress, log, () => runner.InFlight);
            monitoring = monitor.RunAsync(background.Token);
            times = await runner.RunAsync(cancellationToken, abort.Token);
        }

        await background.CancelAsync();
        await Task.WhenAll(monitoring, refill);
        monitor.Finish();

        var interrupted = cancellationToken.IsCancellationRequested;
        var statistics = recorder.Snapshot();
        var measuredSeconds = Math.Max(0, clock.ToTimeSpan(times.End - times.MeasureStart).TotalSeconds);
        var credentials = pool is null
            ? null
            : new ReportCredentials(mintedBefore, pool.Minted - mintedBefore, pool.Taken, pool.Expired, pool.Empty,
                pool.RefillFailure is { } failure ? ErrorView.CodeName(failure) : null);
        var report = BenchReport.Create(plan, options.Server, statistics, measuredSeconds, interrupted, timesFull, credentials) with
        {
            Window = new MeasuredWindow(
                (startedAt + clock.ToTimeSpan(times.MeasureStart - start)).ToUnixTimeMilliseconds(),
                (startedAt + clock.ToTimeSpan(times.End - start)).ToUnixTimeMilliseconds()),
            Replicas = options.IsBalanced ? options.Servers.Select(s => s.ToString()).ToArray() : null,
        };

        BenchReportView.Render(Environment.Output, report);
        if (plan.JsonFile is { } json)
        {
            BenchFiles.Write("--json", json, BenchFiles.ToJson(report));
        }

        if (plan.CsvFile is { } csv)
        {
            BenchFiles.Write("--csv", csv, BenchFiles.ToCsv(report));
        }

        return ExitCode(report);
    }

    /// <summary>
    /// The exit code of a finished run: 130 when interrupted (the report still printed), 5 when a gate
    /// failed, 3 when not one request succeeded, else 0.
    /// </summary>
    public static int ExitCodeFor(BenchReport report) =>
        report.Interrupted ? ExitCodes.Cancelled
        : !report.Passed ? ExitCodes.GateFailed
        : report.Requests.Completed + report.Requests.NotSent > 0 && report.Requests.Ok == 0 ? ExitCodes.RpcFailure
        : ExitCodes.Ok;

    private int ExitCode(BenchReport report)
    {
        var code = ExitCodeFor(report);
        if (code == ExitCodes.Cancelled)
        {
            Environment.Error.MarkupLine($"[{Palette.Amber}]cancelled: the report covers the run up to Ctrl+C[/]");
        }

        foreach (var gate in report.Gates.Where(g => !g.Passed))
        {
            Environment.Error.MarkupLine(
                $"[bold {Palette.Red}]gate failed:[/] {Markup.Escape(gate.Name)} is {Markup.Escape(gate.Actual)}, limit {Markup.Escape(gate.Limit)}");
        }

        if (code == ExitCodes.RpcFailure)
        {
            Environment.Error.MarkupLine($"[bold {Palette.Red}]no request succeeded[/] (see the status codes)");
        }

        return code;
    }

    private static FileStream? OpenLog(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return File.Create(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write --hdr-log file \"{path}\": {ex.Message}", ex);
        }
    }
}
