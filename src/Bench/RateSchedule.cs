using System.Globalization;

namespace ELicense.Bench;

/// <summary>
/// The target send rate over time, as segments whose rate changes linearly (a constant rate is a flat
/// segment, a ramp a sloped one, steps a run of flat ones); the last segment's rate holds forever after.
/// Request i (0-based) is due when the cumulative count N(t) = ∫ rate reaches i: request 0 at t = 0, and
/// at a constant rate r, request i at i / r. Due times depend on the index alone, never on when earlier
/// requests were sent or answered: that is what makes the load open-loop.
/// </summary>
public sealed class RateSchedule
{
    private readonly Segment[] _segments;

    private RateSchedule(IReadOnlyList<(double Seconds, double From, double To)> parts, string description)
    {
        Description = description;
        var segments = new List<Segment>();
        double start = 0, count = 0;
        foreach (var (seconds, from, to) in parts)
        {
            var slope = double.IsFinite(seconds) ? (to - from) / seconds : 0;
            segments.Add(new Segment(start, count, from, slope, seconds));
            start += seconds;
            count += (from * seconds) + (slope * seconds * seconds / 2);
        }

        if (double.IsFinite(start))
        {
            // The last rate holds forever after: a ramp's end rate is reached, then kept.
            segments.Add(new Segment(start, count, parts[^1].To, 0, double.PositiveInfinity));
        }

        _segments = [.. segments];
    }

    /// <summary>For people and the report, e.g. "constant 1,000/s" or "ramp 1,000/s → 5,000/s over 30 s".</summary>
    public string Description { get; }

    /// <summary>The rate at the start.</summary>
    public double InitialRate => _segments[0].Rate;

    /// <summary>The highest rate anywhere in the schedule.</summary>
    public double PeakRate => _segments.Max(s => Math.Max(s.Rate, s.EndRate));

    /// <summary>The length of the shaped part (ramp, steps); zero for a constant rate.</summary>
    public TimeSpan ShapedLength => TimeSpan.FromSeconds(_segments.Where(s => double.IsFinite(s.Duration)).Sum(s => s.Duration));

    /// <summary>A constant rate.</summary>
    public static RateSchedule Constant(double rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        return new RateSchedule([(double.PositiveInfinity, rate, rate)], "constant " + BenchText.FormatRate(rate));
    }

    /// <summary>A linear ramp from <paramref name="from"/> to <paramref name="to"/> over <paramref name="over"/>, then <paramref name="to"/>.</summary>
    public static RateSchedule Ramp(double from, double to, TimeSpan over)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(over, TimeSpan.Zero);
        if (from == 0 && to == 0)
        {
            throw new ArgumentException("A ramp needs a rate above 0 at one end at least.", nameof(to));
        }

        return new RateSchedule([(over.TotalSeconds, from, to)],
            $"ramp {BenchText.FormatRate(from)} → {BenchText.FormatRate(to)} over {BenchText.FormatDuration(over)}");
    }

    /// <summary>Constant steps of <paramref name="stepDuration"/> each; the last rate holds after the last step.</summary>
    public static RateSchedule Steps(IReadOnlyList<double> rates, TimeSpan stepDuration)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rates.Count);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepDuration, TimeSpan.Zero);
        foreach (var rate in rates)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        }

        var parts = rates.Select(r => (stepDuration.TotalSeconds, r, r)).ToList();
        var text = string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));
        return new RateSchedule(parts, $"steps {text} /s, {BenchText.FormatDuration(stepDuration)} each");
    }

    /// <summary>
    /// This schedule delayed by a lead-in at its initial rate (the warm-up): the shaped part starts when
    /// the measurement does.
    /// </summary>
    public RateSchedule WithLeadIn(TimeSpan leadIn)
    {
        if (leadIn <= TimeSpan.Zero)
        {
            return this;
        }

        var parts = new List<(double, double, double)> { (leadIn.TotalSeconds, InitialRate, InitialRate) };
        parts.AddRange(_segments.Select(s => (s.Duration, s.Rate, s.EndRate)));
        return new RateSchedule(parts, Description);
    }

    /// <summary>When request <paramref name="index"/> is due, in seconds from the start; +∞ when never (the rate fell to 0).</summary>
    public double DueSeconds(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        for (var k = 0; k < _segments.Length; k++)
        {
            var segment = _segments[k];
            if (k + 1 < _segments.Length && index >= _segments[k + 1].CountAtStart)
            {
                continue;
            }

            var within = segment.TimeToReach(index - segment.CountAtStart);
            return double.IsFinite(within) ? segment.Start + within : double.PositiveInfinity;
        }

        return double.PositiveInfinity;
    }

    /// <summary>How many requests are due strictly before <paramref name="seconds"/>; <see cref="long.MaxValue"/> for +∞ at a rate above 0.</summary>
    public long CountBefore(double seconds)
    {
        if (seconds <= 0)
        {
            return 0;
        }

        var segment = _segments[^1];
        for (var k = 0; k < _segments.Length - 1; k++)
        {
            if (seconds < _segments[k + 1].Start)
            {
                segment = _segments[k];
                break;
            }
        }

        var tau = seconds - segment.Start;
        if (double.IsPositiveInfinity(tau))
        {
            // The rate fell to 0 for good: requests 0..N(∞) are due (the last one exactly when the count reaches it).
            return segment.Rate > 0 ? long.MaxValue : (long)Math.Floor(segment.CountAtStart + 1e-9) + 1;
        }

        var total = segment.CountAtStart + (segment.Rate * tau) + (segment.Slope * tau * tau / 2);
        // Requests 0..ceil(N)-1 are due before t, and request 0 (due at 0) always is; the tolerance keeps an
        // exact boundary (N = 3.0000000001) exact.
        return total >= long.MaxValue ? long.MaxValue : Math.Max(1, (long)Math.Ceiling(total - 1e-9));
    }

    /// <summary>One piece: starts at <c>Start</c> s, with <c>CountAtStart</c> requests due before it; rate = Rate + Slope·τ.</summary>
    private readonly record struct Segment(double Start, double CountAtStart, double Rate, double Slope, double Duration)
    {
        public double EndRate => double.IsFinite(Duration) ? Rate + (Slope * Duration) : Rate;

        /// <summary>The τ at which Rate·τ + Slope·τ²/2 = x (the x-th request after the segment's start).</summary>
        public double TimeToReach(double x)
        {
            if (x <= 0)
            {
                return 0;
            }

            if (Slope == 0)
            {
                return Rate > 0 ? x / Rate : double.PositiveInfinity;
            }

            // The root of Slope/2·τ² + Rate·τ − x = 0 written as 2x / (Rate + √(Rate² + 2·Slope·x)): no cancellation
            // when Slope is small. The caller picked the segment by count, so x is within it; rounding may push the
            // discriminant of a falling ramp's last request a hair below 0.
            var root = Math.Sqrt(Math.Max(0, (Rate * Rate) + (2 * Slope * x)));
            return Rate + root > 0 ? 2 * x / (Rate + root) : double.PositiveInfinity;
        }
    }
}
