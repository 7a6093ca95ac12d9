using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class BenchClockTests
{
    [Fact]
    public async Task WaitUntilAsync_ClockPassesTheWakeTimeBetweenTwoReadings_ReturnsWithoutANegativeTimer()
    {
        // A clock that moves 10 ms at every reading: it is before the wake time when the loop checks and
        // past it by the next reading, as a busy real clock sometimes is.
        var clock = new BenchClock(new SteppingClock(stepMs: 10), TimeSpan.Zero);

        await clock.WaitUntilAsync(25, TestContext.Current.CancellationToken);

        Assert.True(clock.Now >= 25);
    }

    /// <summary>Timestamps in milliseconds, advancing at every reading; timers are the system's.</summary>
    private sealed class SteppingClock(long stepMs) : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Interlocked.Add(ref _now, stepMs);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime, period);
    }
}
