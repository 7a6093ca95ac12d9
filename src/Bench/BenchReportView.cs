using System.Globalization;
using Spectre.Console;
using ELicense.Client.Rendering;

namespace ELicense.Bench;

/// <summary>The report as a Spectre table with a few lines around it.</summary>
public static class BenchReportView
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="console"/>.</summary>
    public static void Render(IAnsiConsole console, BenchReport report)
    {
        var closed = report.Mode == BenchReport.ClosedLoop;
        console.MarkupLine(Invariant(
            $"[bold]elicense-bench[/] {Markup.Escape(report.Workload)} → {Markup.Escape(report.Replicas is { } replicas ? string.Join(", ", replicas) : report.Server)}: {Markup.Escape(report.Description)}, {report.Connections} connection{(report.Connections == 1 ? "" : "s")}{(report.Replicas is { Count: var n } ? $" to each of {n} replicas" : "")}"));
        console.MarkupLine(Invariant(
            $"measured {report.MeasuredSeconds:0.0#} s after {report.WarmupSeconds:0.##} s warm-up ({report.Requests.Warmup:N0} warm-up requests not counted){(report.Interrupted ? $", [{Palette.Amber}]interrupted (Ctrl+C)[/]" : "")}"));

        // Operations across, figures down: fits a terminal with any mix (five workloads at most).
        var columns = report.Operations.Count > 1
            ? report.Operations.Select(o => (o.Name, o.Requests, o.ErrorRate, o.Throughput, o.LatencyMs)).ToList()
            : [];
        columns.Add((report.Operations.Count > 1 ? "all" : report.Workload, report.Requests, report.ErrorRate, report.Throughput, report.LatencyMs));
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(string.Empty);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(column.Item1)}[/]").RightAligned());
        }

        AddRow(table, "answered", columns.Select(c => Invariant($"{c.Requests.Completed:N0}")));
        AddRow(table, "errors", columns.Select(c => c.Requests.Errors == 0
            ? "0"
            : Invariant($"[{Palette.Red}]{c.Requests.Errors:N0} ({BenchText.FormatPercent(c.ErrorRate)})[/]")));
        AddRow(table, "throughput", columns.Select(c => Invariant($"{c.Throughput:N1}/s")));
        AddRow(table, "latency p50", columns.Select(c => Ms(c.LatencyMs.P50)));
        AddRow(table, "p90", columns.Select(c => Ms(c.LatencyMs.P90)));
        AddRow(table, "[bold]p99[/]", columns.Select(c => $"[bold]{Ms(c.LatencyMs.P99)}[/]"));
        AddRow(table, "p99.9", columns.Select(c => Ms(c.LatencyMs.P999)));
        AddRow(table, "p99.99", columns.Select(c => Ms(c.LatencyMs.P9999)));
        AddRow(table, "max", columns.Select(c => Ms(c.LatencyMs.Max)));
        AddRow(table, "mean", columns.Select(c => Ms(c.LatencyMs.Mean)));
        console.Write(table);

        console.MarkupLine(closed
            ? "[grey]Closed loop: the server set the pace; this is its max throughput at this concurrency. Latencies run from each send, so they leave out the queueing a real load would see (use --rate for latency).[/]"
            : "[grey]Open loop: latencies run from each request's due time, so they include any queueing, in the server or in the generator.[/]");
        console.MarkupLine("status codes: " + Counts(report.StatusCodes, code => code == "OK" ? Palette.Green : Palette.Red));
        // verify's verdicts on one line; roadside's outcomes (long joint names) one a line, below.
        var roadsideNames = report.Operations.Where(o => o.Roadside is not null).SelectMany(o => o.Verdicts.Keys).ToHashSet(StringComparer.Ordinal);
        var verdicts = report.Verdicts.Where(v => !roadsideNames.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        if (verdicts.Count > 0)
        {
            console.MarkupLine("verdicts: " + Counts(verdicts, verdict => verdict == "VERDICT_VALID" ? Palette.Green : Palette.Amber));
        }

        foreach (var operation in report.Operations.Where(o => o.Roadside is not null))
        {
            RenderRoadside(console, operation, operation.Roadside!);
        }

        if (report.Requests.NotSent > 0 || report.Requests.Abandoned > 0)
        {
            console.MarkupLine(Invariant(
                $"[{Palette.Amber}]not sent: {report.Requests.NotSent:N0} (credential pool empty: mint more with --credentials, or lower the rate); abandoned at Ctrl+C: {report.Requests.Abandoned:N0}[/]"));
        }

        if (report.SendLagMs is { } lag)
        {
            var behind = lag.P99 > 1;
            console.MarkupLine(Invariant(
                $"{(behind ? $"[{Palette.Amber}]" : "[grey]")}send lag (due → sent): p50 {Ms(lag.P50)}, p99 {Ms(lag.P99)}, max {Ms(lag.Max)}{(behind ? " — the generator fell behind its schedule (CPU, or --max-in-flight reached)" : "")}[/]"));
        }

        if (report.InFlightLimitReached > 0)
        {
            console.MarkupLine(Invariant(
                $"[{Palette.Amber}]--max-in-flight was reached {report.InFlightLimitReached:N0} times: sending waited for answers (the waits are in the latencies)[/]"));
        }

        if (report.Credentials is { } credentials)
        {
            console.MarkupLine(Invariant(
                $"[grey]credentials: {credentials.MintedBeforeRun:N0} minted before the run, {credentials.MintedDuringRun:N0} during it; {credentials.Sent:N0} sent, {credentials.ExpiredUnsent:N0} dropped near expiry[/]"));
            if (credentials.MintingFailure is { } failure)
            {
                console.MarkupLine($"[{Palette.Red}]minting credentials stopped during the run: {Markup.Escape(failure)}[/]");
            }
        }

        foreach (var gate in report.Gates)
        {
            console.MarkupLine(gate.Passed
                ? $"[{Palette.Green}]gate {Markup.Escape(gate.Name)} {Markup.Escape(gate.Limit)}: passed ({Markup.Escape(gate.Actual)})[/]"
                : $"[bold {Palette.Red}]gate {Markup.Escape(gate.Name)} {Markup.Escape(gate.Limit)}: FAILED ({Markup.Escape(gate.Actual)})[/]");
        }
    }

    private static void RenderRoadside(IAnsiConsole console, ReportOperation operation, ReportRoadside roadside)
    {
        var answered = roadside.MayDrive + roadside.MayNotDrive;
        console.MarkupLine(Invariant(
            $"{Markup.Escape(operation.Name)}: may_drive [{Palette.Green}]{roadside.MayDrive:N0}[/] ({BenchText.FormatPercent(answered == 0 ? 0 : (double)roadside.MayDrive / answered)}), not [{Palette.Amber}]{roadside.MayNotDrive:N0}[/]{(roadside.Inconsistent > 0 ? $", [bold {Palette.Red}]{roadside.Inconsistent:N0} INCONSISTENT (may_drive contradicts its parts)[/]" : "")}"));
        foreach (var (name, count) in operation.Verdicts.OrderByDescending(v => v.Value))
        {
            var colour = name.StartsWith("INCONSISTENT", StringComparison.Ordinal) ? Palette.Red : name.StartsWith("may_drive", StringComparison.Ordinal) ? Palette.Green : Palette.Amber;
            console.MarkupLine(Invariant($"  [{colour}]{count,9:N0}[/]  {Markup.Escape(name)}"));
        }
    }

    private static void AddRow(Table table, string label, IEnumerable<string> cells) =>
        table.AddRow([$"[grey]{label}[/]", .. cells]);

    private static string Ms(double milliseconds) => Markup.Escape(BenchText.FormatNanoseconds(milliseconds * 1e6));

    private static string Counts(IReadOnlyDictionary<string, long> counts, Func<string, string> colour) =>
        counts.Count == 0
            ? "[grey]none[/]"
            : string.Join(", ", counts.Select(c => Invariant($"[{colour(c.Key)}]{Markup.Escape(c.Key)}[/] {c.Value:N0}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
