namespace ELicense.Bench;

/// <summary>The verdict of one gate: its name, its limit and the measured value as text, and whether it held.</summary>
public sealed record GateResult(string Name, string Limit, string Actual, bool Passed);

/// <summary>Service-level gates a run must pass: a p99 latency and an error rate ceiling (null: not checked).</summary>
public sealed record SloGates(TimeSpan? MaxP99, double? MaxErrorRate)
{
    /// <summary>No gates.</summary>
    public static readonly SloGates None = new(null, null);

    /// <summary>Checks each gate against the run's totals.</summary>
    public IReadOnlyList<GateResult> Evaluate(BenchStatistics statistics)
    {
        var results = new List<GateResult>();
        if (MaxP99 is { } maxP99)
        {
            var p99 = statistics.Total.Latency.P99;
            // No answer at all has no p99: that fails the gate rather than passing it vacuously.
            var passed = statistics.Total.Latency.Count > 0 && p99 <= maxP99.Ticks * 100.0;
            results.Add(new GateResult("p99", "≤ " + BenchText.FormatDuration(maxP99),
                statistics.Total.Latency.Count > 0 ? BenchText.FormatNanoseconds(p99) : "no answers", passed));
        }

        if (MaxErrorRate is { } maxErrorRate)
        {
            var rate = statistics.Total.ErrorRate;
            var due = statistics.Total.Completed + statistics.Total.NotSent;
            results.Add(new GateResult("error rate", "≤ " + BenchText.FormatPercent(maxErrorRate),
                due > 0 ? BenchText.FormatPercent(rate) : "no requests", due > 0 && rate <= maxErrorRate));
        }

        return results;
    }
}
