using HdrHistogram;

namespace ELicense.Bench;

/// <summary>The latency percentiles of a histogram, in nanoseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double P9999, double Max, double Mean)
{
    /// <summary>No values.</summary>
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Reads the percentiles off <paramref name="histogram"/> (values in nanoseconds).</summary>
    public static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? Empty
        : new LatencySummary(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetValueAtPercentile(99.99),
            histogram.GetMaxValue(),
            histogram.GetMean());
}
