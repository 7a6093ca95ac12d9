namespace ELicense.Bench;

/// <summary>
/// How long and how hard: the warm-up, the measured duration and/or count, and the loop — open (a rate
/// schedule, at most --max-in-flight outstanding) or closed (--concurrency workers, no rate).
/// </summary>
internal static class PlanPace
{
    /// <summary>The parsed pace: exactly one of <see cref="OpenLoop"/> and <see cref="ClosedLoop"/> is set.</summary>
    public sealed record Result(TimeSpan Warmup, TimeSpan? Duration, long? Count, OpenLoopPlan? OpenLoop, ClosedLoopPlan? ClosedLoop);

    /// <summary>The pace the options ask for; null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, out Result pace)
    {
        pace = new Result(BenchPlan.DefaultWarmup, null, null, null, null);
        var error = TryParseLength(s, out var warmup, out var duration, out var count);
        if (error is not null)
        {
            return error;
        }

        var rateOptions = new[] { ("--rate", s.Rate), ("--ramp", s.Ramp), ("--steps", s.Steps) }.Where(o => o.Item2 is not null).Select(o => o.Item1).ToList();
        if (rateOptions.Count > 1)
        {
            return $"{string.Join(" and ", rateOptions)} each set the rate: give one";
        }

        if (s.StepDuration is not null && s.Steps is null)
        {
            return "--step-duration goes with --steps";
        }

        string message;
        if (s.Concurrency is not null)
        {
            if (rateOptions.Count > 0)
            {
                return $"--concurrency runs a closed loop (as fast as the server answers), which has no rate: drop {rateOptions[0]}, or drop --concurrency for an open loop";
            }

            if (s.MaxInFlight is not null)
            {
                return "--max-in-flight is for the open loop; in the closed loop --concurrency is the number in flight";
            }

            if (!BenchText.TryParseCount("--concurrency", s.Concurrency, 100_000, out var workers, out message))
            {
                return message;
            }

            duration ??= count is null ? BenchPlan.DefaultDuration : null;
            pace = new Result(warmup, duration, count, null, new ClosedLoopPlan((int)workers, warmup, duration, count));
            return null;
        }

        if (!PlanSchedule.TryParse(s, out var schedule, out message))
        {
            return message;
        }

        var maxInFlight = (long)BenchPlan.DefaultMaxInFlight;
        if (s.MaxInFlight is not null && !BenchText.TryParseCount("--max-in-flight", s.MaxInFlight, 1_000_000, out maxInFlight, out message))
        {
            return message;
        }

        if (duration is null && count is null)
        {
            duration = schedule.ShapedLength > TimeSpan.Zero ? schedule.ShapedLength : BenchPlan.DefaultDuration;
        }

        pace = new Result(warmup, duration, count, new OpenLoopPlan(schedule, warmup, duration, count, (int)maxInFlight), null);
        return null;
    }

    private static string? TryParseLength(BenchSettings s, out TimeSpan warmup, out TimeSpan? duration, out long? count)
    {
        warmup = BenchPlan.DefaultWarmup;
        duration = null;
        count = null;
        string message;
        if (s.Warmup is not null && !BenchText.TryParseDuration("--warmup", s.Warmup, unitRequired: false, out warmup, out message))
        {
            return message;
        }

        if (s.Duration is not null)
        {
            if (!BenchText.TryParseDuration("--duration", s.Duration, unitRequired: false, out var d, out message))
            {
                return message;
            }

            if (d <= TimeSpan.Zero)
            {
                return "--duration must be above 0, e.g. 10s";
            }

            duration = d;
        }

        if (s.Count is not null)
        {
            if (!BenchText.TryParseCount("--count", s.Count, 1_000_000_000_000, out var c, out message))
            {
                return message;
            }

            count = c;
        }

        return null;
    }
}
