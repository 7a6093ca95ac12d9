namespace ELicense.Bench;

/// <summary>
/// The generator's time: a monotonic timestamp and a wait until a given timestamp. Built on a
/// <see cref="TimeProvider"/>, so that tests run the schedulers on a synthetic timeline (FakeTimeProvider).
/// </summary>
/// <remarks>
/// Timers fire a millisecond or so late, and a request sent late carries that lateness in its latency
/// (it is measured from the due time). So the real clock sleeps on a timer only until
/// <paramref name="spinWindow"/> before the due time and spins (yielding) for the rest: sends land within
/// microseconds of their due times at the cost of some CPU between close requests.
/// </remarks>
public sealed class BenchClock(TimeProvider time, TimeSpan spinWindow)
{
    private readonly long _spinTicks = (long)(spinWindow.TotalSeconds * time.TimestampFrequency);

    /// <summary>The spin window of the real clock: longer than a timer's usual lateness.</summary>
    public static readonly TimeSpan DefaultSpinWindow = TimeSpan.FromMilliseconds(1.5);

    /// <summary>The underlying time provider.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Timestamp ticks per second.</summary>
    public long Frequency => Time.TimestampFrequency;

    /// <summary>Now, in timestamp ticks.</summary>
    public long Now => Time.GetTimestamp();

    /// <summary>A real clock: the system's, with the spin window.</summary>
    public static BenchClock System() => new(TimeProvider.System, DefaultSpinWindow);

    /// <summary>A span in timestamp ticks.</summary>
    public long ToTicks(TimeSpan span) => (long)Math.Round(span.TotalSeconds * Frequency);

    /// <summary>Seconds in timestamp ticks, saturating at <see cref="long.MaxValue"/>.</summary>
    public long SecondsToTicks(double seconds)
    {
        var ticks = seconds * Frequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)Math.Round(ticks);
    }

    /// <summary>Timestamp ticks as a span (exact when the frequency is TimeSpan's).</summary>
    public TimeSpan ToTimeSpan(long ticks) => Time.GetElapsedTime(0, ticks);

    /// <summary>Completes at or after <paramref name="timestamp"/>; at once when it has passed.</summary>
    public ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = timestamp - Now;
        if (remaining <= 0)
        {
            return ValueTask.CompletedTask;
        }

        if (remaining <= _spinTicks)
        {
            Spin(timestamp);
            return ValueTask.CompletedTask;
        }

        return SleepAsync(timestamp, cancellationToken);
    }

    private async ValueTask SleepAsync(long timestamp, CancellationToken cancellationToken)
    {
        // Task.Delay truncates to whole milliseconds, so a timer of the provider's own is set for the exact
        // span (FakeTimeProvider honours it to the tick; the system's timer is as coarse as ever, hence the spin).
        var wakeAt = timestamp - _spinTicks;
        // One reading of the clock per round: read twice, it can pass wakeAt in between and make a
        // negative delay, which the timer refuses.
        for (var now = Now; now < wakeAt; now = Now)
        {
            await DelayAsync(Time.GetElapsedTime(now, wakeAt), cancellationToken);
        }

        if (_spinTicks > 0)
        {
            Spin(timestamp);
        }
    }

    private async ValueTask DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        // Continuations run on the timer's thread (no RunContinuationsAsynchronously): on a fake clock the
        // waiter resumes inside FakeTimeProvider.Advance, exactly at the due time.
        var elapsed = new TaskCompletionSource();
        using var timer = Time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), elapsed, delay, Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetCanceled(), elapsed);
        await elapsed.Task;
    }

    private void Spin(long timestamp)
    {
        var spinner = default(SpinWait);
        while (Now < timestamp)
        {
            // -1: yield and Sleep(0), never Sleep(1), which would overshoot by a millisecond.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
