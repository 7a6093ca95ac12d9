using ELicense.Bench;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Bench.Tests;

public sealed class BenchRecorderTests
{
    // Ticks are nanoseconds here, so the figures read as given.
    private const long Frequency = 1_000_000_000;
    private const long Ms = 1_000_000;

    private static void AssertNear(double expected, double actual) => Assert.Equal(expected, actual, expected * 0.001);

    [Fact]
    public void Snapshot_OneToAThousandMilliseconds_ReadsThePercentiles()
    {
        var recorder = new BenchRecorder(["license"], Frequency, trackSendLag: false);
        for (var ms = 1; ms <= 1000; ms++)
        {
            recorder.Record(CallOutcome.Ok(0), measured: true, ms * Ms, 0);
        }

        var latency = recorder.Snapshot().Total.Latency;

        Assert.Equal(1000, latency.Count);
        AssertNear(500 * Ms, latency.P50);
        AssertNear(900 * Ms, latency.P90);
        AssertNear(990 * Ms, latency.P99);
        AssertNear(999 * Ms, latency.P999);
        AssertNear(1000 * Ms, latency.P9999);
        AssertNear(1000 * Ms, latency.Max);
        AssertNear(500.5 * Ms, latency.Mean);
    }

    [Fact]
    public void Snapshot_StatusesAndVerdicts_CountsEachAndTheErrorRate()
    {
        var recorder = new BenchRecorder(["verify"], Frequency, trackSendLag: false);
        for (var i = 0; i < 90; i++)
        {
            recorder.Record(CallOutcome.Ok(0, (int)Verdict.Valid), true, Ms, 0);
        }

        for (var i = 0; i < 6; i++)
        {
            recorder.Record(CallOutcome.Ok(0, (int)Verdict.LicenseNotValid), true, Ms, 0);
        }

        recorder.Record(CallOutcome.Failed(0, StatusCode.Unavailable), true, 2 * Ms, 0);
        recorder.Record(CallOutcome.Failed(0, StatusCode.DeadlineExceeded), true, 5000 * Ms, 0);
        recorder.Record(CallOutcome.NotSent(0), true, 0, 0);
        recorder.Record(CallOutcome.Abandoned(0), true, 0, 0);

        var total = recorder.Snapshot().Total;

        Assert.Equal(98, total.Completed);
        Assert.Equal(96, total.Ok);
        Assert.Equal(3, total.Errors);
        Assert.Equal(1, total.NotSent);
        Assert.Equal(1, total.Abandoned);
        Assert.Equal(3 / 99.0, total.ErrorRate, 1e-12);
        Assert.Equal(new Dictionary<StatusCode, long> { [StatusCode.OK] = 96, [StatusCode.Unavailable] = 1, [StatusCode.DeadlineExceeded] = 1 }, total.Statuses);
        Assert.Equal(new Dictionary<int, long> { [(int)Verdict.Valid] = 90, [(int)Verdict.LicenseNotValid] = 6 }, total.Verdicts);
        // A timeout is in the tail; a request never sent or abandoned has no latency.
        Assert.Equal(98, total.Latency.Count);
        AssertNear(5000 * Ms, total.Latency.Max);
    }

    [Fact]
    public void Record_Warmup_IsCountedButKeptOutOfTheStatistics()
    {
        var recorder = new BenchRecorder(["license"], Frequency, trackSendLag: true);
        recorder.Record(CallOutcome.Failed(0, StatusCode.Unavailable), measured: false, 900 * Ms, 800 * Ms);
        recorder.Record(CallOutcome.Ok(0), measured: false, 700 * Ms, 0);
        recorder.Record(CallOutcome.Ok(0), measured: true, 3 * Ms, 1 * Ms);

        var statistics = recorder.Snapshot();

        Assert.Equal(2, statistics.WarmupRequests);
        Assert.Equal(1, statistics.Total.Completed);
        Assert.Equal(0, statistics.Total.Errors);
        AssertNear(3 * Ms, statistics.Total.Latency.Max);
        AssertNear(1 * Ms, statistics.SendLag!.Max);
    }

    [Fact]
    public void Snapshot_SeveralOperationsOverSeveralIntervals_TotalIsTheirMerge()
    {
        var recorder = new BenchRecorder(["license", "verify", "vehicle"], Frequency, trackSendLag: false);
        for (var i = 1; i <= 300; i++)
        {
            recorder.Record(CallOutcome.Ok(i % 3), true, i * Ms, 0);
            if (i % 100 == 0)
            {
                recorder.Sample(); // interval boundaries must not lose or double anything
            }
        }

        recorder.Record(CallOutcome.Failed(1, StatusCode.Internal), true, 400 * Ms, 0);

        var statistics = recorder.Snapshot();

        Assert.Equal([100L, 101L, 100L], statistics.Operations.Select(o => o.Completed));
        Assert.Equal(301, statistics.Total.Completed);
        Assert.Equal(1, statistics.Operations[1].Errors);
        Assert.Equal(1, statistics.Total.Errors);
        var merged = recorder.MergedHistogram();
        Assert.Equal(merged.GetValueAtPercentile(99), statistics.Total.Latency.P99);
        AssertNear(400 * Ms, statistics.Total.Latency.Max);
        AssertNear(300 * Ms, statistics.Operations[0].Latency.Max);
        AssertNear(299 * Ms, statistics.Operations[2].Latency.Max);
        AssertNear(151 * Ms, statistics.Total.Latency.P50);
    }

    [Fact]
    public void Sample_Intervals_HoldWhatCameSinceTheLastOne()
    {
        var recorder = new BenchRecorder(["license", "vehicle"], Frequency, trackSendLag: false);
        recorder.Record(CallOutcome.Ok(0), true, Ms, 0);
        recorder.Record(CallOutcome.Ok(1), true, Ms, 0);
        var first = recorder.Sample().Select(h => h.TotalCount).ToArray();
        var firstTotal = recorder.LastInterval.TotalCount;
        recorder.Record(CallOutcome.Ok(1), true, Ms, 0);

        var second = recorder.Sample().Select(h => h.TotalCount).ToArray();

        Assert.Equal([1L, 1L], first);
        Assert.Equal(2, firstTotal);
        Assert.Equal([0L, 1L], second);
        Assert.Equal(1, recorder.LastInterval.TotalCount);
        Assert.Equal(3, recorder.Completed);
    }

    [Fact]
    public void Record_LatencyAboveAnHour_IsKeptAsAnHour()
    {
        var recorder = new BenchRecorder(["license"], Frequency, trackSendLag: false);

        recorder.Record(CallOutcome.Ok(0), true, 2 * BenchRecorder.HighestTrackableNanoseconds, 0);
        recorder.Record(CallOutcome.Ok(0), true, -5, 0);

        var latency = recorder.Snapshot().Total.Latency;
        Assert.Equal(2, latency.Count);
        // Three significant digits hold near the top too, within the bucket's width.
        Assert.Equal(BenchRecorder.HighestTrackableNanoseconds, latency.Max, BenchRecorder.HighestTrackableNanoseconds * 0.01);
        Assert.Equal(0, latency.P50);
    }
}
