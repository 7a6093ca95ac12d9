using ELicense.Bench;
using ELicense.V1;
using Grpc.Core;
using HdrHistogram;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Bench.Tests;

public sealed class BenchReportTests
{
    private const long Ms = 1_000_000;

    private static BenchPlan Plan(string? maxP99 = null, string? maxErrorRate = null)
    {
        Assert.True(BenchPlan.TryCreate(
            new BenchSettings { Mix = "license=1,verify=1", Keys = "k", Rate = "100", RegistryApiKey = "r", MaxP99 = maxP99, MaxErrorRate = maxErrorRate },
            _ => null, out var plan, out var error), error);
        return plan;
    }

    private static BenchStatistics Statistics(int ok, int unavailable, long latency = 2 * Ms)
    {
        var recorder = new BenchRecorder(["license", "verify"], 1_000_000_000, trackSendLag: true);
        for (var i = 0; i < ok; i++)
        {
            recorder.Record(i % 2 == 0 ? CallOutcome.Ok(0) : CallOutcome.Ok(1, (int)Verdict.Valid), true, latency, 1000);
        }

        for (var i = 0; i < unavailable; i++)
        {
            recorder.Record(CallOutcome.Failed(0, StatusCode.Unavailable), true, latency, 1000);
        }

        return recorder.Snapshot();
    }

    private static BenchReport Report(BenchPlan plan, BenchStatistics statistics, bool interrupted = false) =>
        BenchReport.Create(plan, new Uri("http://127.0.0.1:5080"), statistics, 10, interrupted, 0, null);

    [Fact]
    public void ExitCodeFor_GatesHold_IsZero()
    {
        var report = Report(Plan("5ms", "1%"), Statistics(ok: 1000, unavailable: 5));

        Assert.True(report.Passed);
        Assert.All(report.Gates, g => Assert.True(g.Passed));
        Assert.Equal(ExitCodes.Ok, BenchCommand.ExitCodeFor(report));
    }

    [Fact]
    public void ExitCodeFor_P99AboveTheGate_IsGateFailedAndSaysWhichGate()
    {
        var report = Report(Plan("5ms", "1%"), Statistics(ok: 1000, unavailable: 0, latency: 8 * Ms));

        var failed = Assert.Single(report.Gates, g => !g.Passed);
        Assert.Equal(("p99", "≤ 5.00 ms", "8.00 ms"), (failed.Name, failed.Limit, failed.Actual));
        Assert.Equal(ExitCodes.GateFailed, BenchCommand.ExitCodeFor(report));
    }

    [Fact]
    public void ExitCodeFor_ErrorRateAboveTheGate_IsGateFailed()
    {
        var report = Report(Plan(maxErrorRate: "0.1%"), Statistics(ok: 990, unavailable: 10));

        var failed = Assert.Single(report.Gates);
        Assert.False(failed.Passed);
        Assert.Equal(("error rate", "≤ 0.1%", "1%"), (failed.Name, failed.Limit, failed.Actual));
        Assert.Equal(ExitCodes.GateFailed, BenchCommand.ExitCodeFor(report));
    }

    [Fact]
    public void ExitCodeFor_NoAnswersAndAP99Gate_FailsTheGate()
    {
        var report = Report(Plan("5ms"), Statistics(ok: 0, unavailable: 0));

        Assert.Equal("no answers", Assert.Single(report.Gates).Actual);
        Assert.Equal(ExitCodes.GateFailed, BenchCommand.ExitCodeFor(report));
    }

    [Fact]
    public void ExitCodeFor_EveryRequestFailedWithoutGates_IsRpcFailure() =>
        Assert.Equal(ExitCodes.RpcFailure, BenchCommand.ExitCodeFor(Report(Plan(), Statistics(ok: 0, unavailable: 10))));

    [Fact]
    public void ExitCodeFor_Interrupted_IsCancelledEvenWithFailedGates() =>
        Assert.Equal(ExitCodes.Cancelled, BenchCommand.ExitCodeFor(Report(Plan("1ms"), Statistics(ok: 10, unavailable: 0), interrupted: true)));

    [Fact]
    public void ToJson_Report_HoldsCountsPerStatusVerdictAndOperation()
    {
        var json = System.Text.Json.JsonDocument.Parse(BenchFiles.ToJson(Report(Plan(), Statistics(ok: 100, unavailable: 2)))).RootElement;

        Assert.Equal("open-loop", json.GetProperty("mode").GetString());
        Assert.Equal(102, json.GetProperty("requests").GetProperty("completed").GetInt64());
        Assert.Equal(2, json.GetProperty("requests").GetProperty("errors").GetInt64());
        Assert.Equal(100, json.GetProperty("statusCodes").GetProperty("OK").GetInt64());
        Assert.Equal(2, json.GetProperty("statusCodes").GetProperty("UNAVAILABLE").GetInt64());
        Assert.Equal(50, json.GetProperty("verdicts").GetProperty("VERDICT_VALID").GetInt64());
        Assert.Equal(2.0, json.GetProperty("latencyMs").GetProperty("p99_9").GetDouble(), 0.01);
        Assert.Equal(10.2, json.GetProperty("throughput").GetDouble(), 1e-9);
        Assert.Equal(["license", "verify"], json.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public void ToCsv_Report_OneRowPerOperationAndOneForAll()
    {
        var lines = BenchFiles.ToCsv(Report(Plan(), Statistics(ok: 100, unavailable: 2))).TrimEnd('\n').Split('\n');

        Assert.Equal(BenchFiles.CsvHeader, lines[0]);
        Assert.StartsWith("license,52,50,2,0,0,0.038462,5.2,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("verify,50,50,0,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("all,102,100,2,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Report_ShowsTheTableStatusesVerdictsAndGates()
    {
        var console = new TestConsole().Width(120);

        BenchReportView.Render(console, Report(Plan("5ms", "0.1%"), Statistics(ok: 100, unavailable: 2)));

        Assert.Contains("open loop, constant 100/s", console.Output, StringComparison.Ordinal);
        Assert.Contains("latency p50", console.Output, StringComparison.Ordinal);
        Assert.Contains("UNAVAILABLE 2", console.Output, StringComparison.Ordinal);
        Assert.Contains("VERDICT_VALID 50", console.Output, StringComparison.Ordinal);
        Assert.Contains("gate p99 ≤ 5.00 ms: passed (2.00 ms)", console.Output, StringComparison.Ordinal);
        Assert.Contains("gate error rate ≤ 0.1%: FAILED (1.961%)", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void HdrLogWriter_Intervals_ReadBackWithTheirTagsAndCounts()
    {
        var recorder = new BenchRecorder(["license", "verify"], 1_000_000_000, trackSendLag: false);
        using var stream = new MemoryStream();
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        using (var log = new HdrLogWriter(stream, start))
        {
            for (var second = 0; second < 2; second++)
            {
                for (var i = 0; i < 10 * (second + 1); i++)
                {
                    recorder.Record(CallOutcome.Ok(i % 2), true, (i + 1) * Ms, 0);
                }

                var intervals = recorder.Sample();
                log.Append(recorder.LastInterval, second, 1, null);
                log.Append(intervals[0], second, 1, "license");
                log.Append(intervals[1], second, 1, "verify");
            }
        }

        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.StartsWith("#[Histogram log format version 1.3]\n#[StartTime: 1767603600.000", text, StringComparison.Ordinal);
        using var reader = new HistogramLogReader(new MemoryStream(stream.ToArray()));
        var histograms = reader.ReadHistograms().ToList();
        Assert.Equal([null, "license", "verify", null, "license", "verify"], histograms.Select(h => h.Tag));
        Assert.Equal([10L, 5L, 5L, 20L, 10L, 10L], histograms.Select(h => h.TotalCount));
        Assert.Equal(20 * Ms, histograms[3].GetMaxValue(), 20 * Ms * 0.001);
        Assert.Equal(start.ToUnixTimeMilliseconds() + 1000, histograms[3].StartTimeStamp);
    }
}
