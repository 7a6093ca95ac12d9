using ELicense.Bench;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Bench.Tests;

public sealed class ClosedLoopRunnerTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly BenchClock _clock;
    private readonly ScriptedTarget _target;
    private readonly ListSink _sink = new();

    public ClosedLoopRunnerTests()
    {
        _clock = new BenchClock(_time, TimeSpan.Zero);
        _target = new ScriptedTarget(_clock) { ServiceTime = Ms };
    }

    [Fact]
    public async Task RunAsync_StalledServer_RecordsOnlyTheOneRequestThatWaited()
    {
        // The same stall as the open-loop test (from 10 to 60 ms), one worker: the requests that would have
        // queued behind it are never sent. This is coordinated omission, and why the closed loop reports
        // throughput, not latency under load.
        var recorder = new BenchRecorder(["license"], _clock.Frequency, trackSendLag: false);
        _target.Held = (10, 10);
        var runner = new ClosedLoopRunner(_clock, new ClosedLoopPlan(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), null), _target, new TeeSink(_sink, recorder));
        var run = Timeline.Start(() => runner.RunAsync(default, default));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(60));
        _target.Release();
        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(60), run);
        await run;

        Assert.Equal(51, _sink.Records.Count);
        Assert.Single(_sink.Records, r => r.LatencyTicks > Ms.Ticks);
        var statistics = recorder.Snapshot();
        Assert.Equal(1e6, statistics.Total.Latency.P90, 1e6 * 0.001);
        Assert.Equal(50e6, statistics.Total.Latency.Max, 50e6 * 0.001);
        Assert.Null(statistics.SendLag);
    }

    [Fact]
    public async Task RunAsync_Workers_SendAsFastAsAnswersComeUntilTheCount()
    {
        var runner = new ClosedLoopRunner(_clock, new ClosedLoopPlan(4, TimeSpan.FromMilliseconds(2), null, 20), _target, _sink);
        var run = Timeline.Start(() => runner.RunAsync(default, default));

        Timeline.Advance(_time, Ms, TimeSpan.FromMilliseconds(50), run);
        var times = await run;

        // 4 workers, 1 ms each: 8 warm-up requests in the first 2 ms, then exactly 20 measured.
        Assert.Equal(8, _sink.Records.Count(r => !r.Measured));
        Assert.Equal(20, _sink.Records.Count(r => r.Measured));
        Assert.All(_sink.Records, r => Assert.Equal(Ms.Ticks, r.LatencyTicks));
        Assert.Equal(7, _clock.ToTimeSpan(times.End - times.Start).TotalMilliseconds);
    }
}
