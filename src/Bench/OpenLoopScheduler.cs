using Grpc.Core;

namespace ELicense.Bench;

/// <summary>
/// An open-loop run: the rate <paramref name="Schedule"/> (after a warm-up at its initial rate), for
/// <paramref name="Duration"/> after the warm-up and/or <paramref name="Count"/> measured requests, with at
/// most <paramref name="MaxInFlight"/> requests in flight.
/// </summary>
public sealed record OpenLoopPlan(RateSchedule Schedule, TimeSpan Warmup, TimeSpan? Duration, long? Count, int MaxInFlight)
{
    /// <summary>The whole timeline: the warm-up at the initial rate, then the schedule.</summary>
    public RateSchedule Timeline { get; } = Schedule.WithLeadIn(Warmup);

    /// <summary>The index of the first measured request: the ones before are due during the warm-up.</summary>
    public long FirstMeasured => Timeline.CountBefore(Warmup.TotalSeconds);

    /// <summary>One past the index of the last request.</summary>
    public long EndIndex
    {
        get
        {
            var byDuration = Duration is { } duration ? Timeline.CountBefore((Warmup + duration).TotalSeconds) : long.MaxValue;
            var byCount = Count is { } count ? FirstMeasured + count : long.MaxValue;
            return Math.Min(Math.Min(byDuration, byCount), Timeline.CountBefore(double.PositiveInfinity));
        }
    }
}

/// <summary>
/// Sends requests at their due times, whatever the server does: a slow answer delays no later request,
/// and each latency runs from the request's due time, so a stall shows in every request it held up
/// (no coordinated omission). One dispatcher sends; answers are recorded as they come.
/// </summary>
public sealed class OpenLoopScheduler(BenchClock clock, OpenLoopPlan plan, IBenchTarget target, IBenchSink sink)
{
    private readonly InFlightLimiter _limiter = new(plan.MaxInFlight);

    /// <summary>Requests in flight now.</summary>
    public int InFlight => _limiter.Count;

    /// <summary>How many times every in-flight slot was taken, so that sending had to wait.</summary>
    public long TimesFull => _limiter.TimesFull;

    /// <summary>
    /// Runs to the plan's end, or until <paramref name="stop"/>; then waits for the answers still due.
    /// <paramref name="abort"/> cancels the requests in flight (at shutdown, when waiting is pointless).
    /// </summary>
    public async Task<RunTimes> RunAsync(CancellationToken stop, CancellationToken abort)
    {
        var timeline = plan.Timeline;
        var firstMeasured = plan.FirstMeasured;
        var end = plan.EndIndex;
        var start = clock.Now;
        for (long index = 0; index < end && !stop.IsCancellationRequested; index++)
        {
            var dueSeconds = timeline.DueSeconds(index);
            if (double.IsPositiveInfinity(dueSeconds))
            {
                break;
            }

            var due = start + clock.SecondsToTicks(dueSeconds);
            try
            {
                if (clock.Now < due)
                {
                    await clock.WaitUntilAsync(due, stop);
                }

                await _limiter.EnterAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            _ = TrackAsync(index, due, index >= firstMeasured, abort);
        }

        await _limiter.WhenIdleAsync();
        return new RunTimes(start, start + clock.ToTicks(plan.Warmup), clock.Now);
    }

    private async Task TrackAsync(long index, long due, bool measured, CancellationToken abort)
    {
        var sent = clock.Now;
        CallOutcome outcome;
        try
        {
            outcome = await target.CallAsync(index, abort);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The target maps every failed call to an outcome; anything else is a bug, still counted rather than lost.
            outcome = CallOutcome.Failed(0, StatusCode.Unknown);
        }

        sink.Record(outcome, measured, clock.Now - due, sent - due);
        _limiter.Exit();
    }
}
