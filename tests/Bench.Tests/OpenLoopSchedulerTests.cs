using ELicense.Bench;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Bench.Tests;

public sealed class OpenLoopSchedulerTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly BenchClock _clock;
    private readonly ScriptedTarget _target;
    private readonly ListSink _sink = new();

    public OpenLoopSchedulerTests()
    {
        _clock = new BenchClock(_time, TimeSpan.Zero);
        _target = new ScriptedTarget(_clock);
    }

    private long T0 { get; set; }

    private Task<RunTimes> Start(OpenLoopPlan plan, IBenchSink? sink = null) => Start(plan, sink, (default, default));

    private Task<RunTimes> Start(OpenLoopPlan plan, IBenchSink? sink, (CancellationToken Stop, CancellationToken Abort) tokens)
    {
        T0 = _clock.Now;
        var scheduler = new OpenLoopScheduler(_clock, plan, _target, sink ?? _sink);
        return Timeline.Start(() => scheduler.RunAsync(tokens.Stop, tokens.Abort));
    }

    private static OpenLoopPlan Plan(RateSchedule schedule, long count, int maxInFlight = 1000, TimeSpan? warmup = null) =>
        new(schedule, warmup ?? TimeSpan.Zero, null, count, maxInFlight);

    private double MsAfterStart(long timestamp) => _clock.ToTimeSpan(timestamp - T0).TotalMilliseconds;

    private static double Millis(long ticks) => TimeSpan.FromTicks(ticks).TotalMilliseconds;

    [Fact]
    public async Task RunAsync_ConstantRate_SendsEachRequestAtItsDueTime()
    {
        var run = Start(Plan(RateSchedule.Constant(1000), count: 10));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(20), run);
        await run;

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), _target.Sent.Select(s => MsAfterStart(s.SentAt)));
        Assert.All(_sink.Records, r => Assert.Equal(0, r.LatencyTicks));
        Assert.All(_sink.Records, r => Assert.True(r.Measured));
    }

    [Fact]
    public async Task RunAsync_Steps_SendsAtEachStepsRate()
    {
        var run = Start(Plan(RateSchedule.Steps([1000, 2000], TimeSpan.FromMilliseconds(5)), count: 12));

        Timeline.Advance(_time, Ms / 2, TimeSpan.FromMilliseconds(20), run);
        await run;

        double[] expected = [0, 1, 2, 3, 4, 5, 5.5, 6, 6.5, 7, 7.5, 8];
        Assert.Equal(expected, _target.Sent.Select(s => MsAfterStart(s.SentAt)));
    }

    [Fact]
    public async Task RunAsync_Ramp_SendsEachRequestAtTheFirstTickAfterItsDueTime()
    {
        var schedule = RateSchedule.Ramp(0, 2000, TimeSpan.FromMilliseconds(10));
        var step = TimeSpan.FromMilliseconds(0.1);
        var run = Start(Plan(schedule, count: 10));

        Timeline.Advance(_time, step, TimeSpan.FromMilliseconds(20), run);
        await run;

        Assert.Equal(10, _target.Sent.Count);
        foreach (var (index, sentAt) in _target.Sent)
        {
            var due = schedule.DueSeconds(index) * 1000;
            var sent = MsAfterStart(sentAt);
            Assert.InRange(sent, due - 1e-6, due + step.TotalMilliseconds);
        }

        // The lag between due and sent is what the latency carries on top of the answer's time.
        Assert.All(_sink.Records, r => Assert.Equal(r.SendLagTicks, r.LatencyTicks));
    }

    [Fact]
    public async Task RunAsync_StalledServer_KeepsSendingAndCountsTheQueueingInEveryLatency()
    {
        // 1000/s; the server holds requests 10..59 and answers them all at 60 ms.
        var recorder = new BenchRecorder(["license"], _clock.Frequency, trackSendLag: true);
        _target.Held = (10, 59);
        var run = Start(Plan(RateSchedule.Constant(1000), count: 100), new TeeSink(_sink, recorder));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(60));
        _target.Release();
        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(60), run);
        await run;

        // Open loop: the stall delayed no send.
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), _target.Sent.Select(s => MsAfterStart(s.SentAt)));
        // Each held request waited from its due time to 60 ms: 50, 49, … 1 ms; the others were answered at once.
        var expected = Enumerable.Repeat(0.0, 50).Concat(Enumerable.Range(1, 50).Select(i => (double)i)).ToList();
        Assert.Equal(expected, _sink.Records.Select(r => Millis(r.LatencyTicks)).Order());
        var statistics = recorder.Snapshot();
        Assert.Equal(100, statistics.Total.Completed);
        Assert.Equal(40e6, statistics.Total.Latency.P90, 40e6 * 0.001);
        Assert.Equal(49e6, statistics.Total.Latency.P99, 49e6 * 0.001);
        Assert.Equal(50e6, statistics.Total.Latency.Max, 50e6 * 0.001);
        Assert.Equal(0, statistics.SendLag!.Max);
    }

    [Fact]
    public async Task RunAsync_MaxInFlightReached_SendingWaitsAndTheWaitIsInTheLatency()
    {
        // At most 5 in flight; the server holds the first 5 until 20 ms, so requests 5..19 go out late, at 20 ms.
        _target.Held = (0, 4);
        var scheduler = new OpenLoopScheduler(_clock, Plan(RateSchedule.Constant(1000), count: 20, maxInFlight: 5), _target, _sink);
        T0 = _clock.Now;
        var run = Timeline.Start(() => scheduler.RunAsync(default, default));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(20));
        Assert.Equal(5, _target.Sent.Count);
        Assert.Equal(5, scheduler.InFlight);
        _target.Release();
        await run;

        Assert.Equal(20, _target.Sent.Count);
        Assert.All(_target.Sent.Skip(5), s => Assert.Equal(20, MsAfterStart(s.SentAt)));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), _sink.Records.Select(r => Millis(r.LatencyTicks)).Order());
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (double)i).Prepend(0).Prepend(0).Prepend(0).Prepend(0).Prepend(0),
            _sink.Records.Select(r => Millis(r.SendLagTicks)).Order());
        Assert.True(scheduler.TimesFull >= 1);
    }

    [Fact]
    public async Task RunAsync_Warmup_SendsAtTheInitialRateAndRecordsThoseAsWarmup()
    {
        var recorder = new BenchRecorder(["license"], _clock.Frequency, trackSendLag: true);
        var run = Start(Plan(RateSchedule.Constant(1000), count: 10, warmup: TimeSpan.FromMilliseconds(5)), recorder);

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(30), run);
        var times = await run;

        Assert.Equal(15, _target.Sent.Count);
        var statistics = recorder.Snapshot();
        Assert.Equal(5, statistics.WarmupRequests);
        Assert.Equal(10, statistics.Total.Completed);
        Assert.Equal(5, MsAfterStart(times.MeasureStart));
    }

    [Fact]
    public async Task RunAsync_Duration_StopsAtTheEndOfTheMeasuredPeriod()
    {
        var plan = new OpenLoopPlan(RateSchedule.Constant(1000), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(8), null, 100);
        var run = Start(plan);

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(30), run);
        await run;

        // Due before 2 + 8 ms: requests 0..9.
        Assert.Equal(10, _target.Sent.Count);
        Assert.Equal(8, _sink.Records.Count(r => r.Measured));
    }

    [Fact]
    public async Task RunAsync_StoppedWithRequestsInFlight_WaitsForThemOrAbandonsThemOnAbort()
    {
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        _target.Held = (5, long.MaxValue);
        var run = Start(Plan(RateSchedule.Constant(1000), count: 1000), null, (stop.Token, abort.Token));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(10));
        await stop.CancelAsync();
        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(10));
        Assert.False(run.IsCompleted);
        await abort.CancelAsync();
        await run;

        Assert.Equal(11, _target.Sent.Count);
        Assert.Equal(5, _sink.Records.Count(r => r.Outcome.Result == CallResult.Completed));
        Assert.Equal(6, _sink.Records.Count(r => r.Outcome.Result == CallResult.Abandoned));
    }
}
