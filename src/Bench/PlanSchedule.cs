namespace ELicense.Bench;

/// <summary>The open loop's rate schedule: --ramp FROM:TO:OVER, --steps RATES (with --step-duration), or a constant --rate.</summary>
internal static class PlanSchedule
{
    /// <summary>The schedule the options ask for (the default rate when none is given), or false and why not.</summary>
    public static bool TryParse(BenchSettings s, out RateSchedule schedule, out string error)
    {
        schedule = RateSchedule.Constant(BenchPlan.DefaultRate);
        error = string.Empty;
        if (s.Ramp is not null)
        {
            var parts = s.Ramp.Split(':');
            if (parts.Length != 3)
            {
                error = $"--ramp must be FROM:TO:OVER, e.g. 1000:5000:30s (got \"{s.Ramp}\")";
                return false;
            }

            if (!BenchText.TryParseRate("--ramp (from)", parts[0], allowZero: true, out var from, out error)
                || !BenchText.TryParseRate("--ramp (to)", parts[1], allowZero: true, out var to, out error)
                || !BenchText.TryParseDuration("--ramp (over)", parts[2], unitRequired: false, out var over, out error))
            {
                return false;
            }

            if (over <= TimeSpan.Zero || (from == 0 && to == 0))
            {
                error = "--ramp needs a length above 0 and a rate above 0 at one end at least, e.g. 1000:5000:30s";
                return false;
            }

            schedule = RateSchedule.Ramp(from, to, over);
            return true;
        }

        if (s.Steps is not null)
        {
            var rates = new List<double>();
            foreach (var part in s.Steps.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!BenchText.TryParseRate("--steps", part, out var rate, out error))
                {
                    return false;
                }

                rates.Add(rate);
            }

            if (rates.Count > 1000)
            {
                error = "--steps takes at most 1000 steps";
                return false;
            }

            var stepDuration = TimeSpan.FromSeconds(10);
            if (s.StepDuration is not null
                && !BenchText.TryParseDuration("--step-duration", s.StepDuration, unitRequired: false, out stepDuration, out error))
            {
                return false;
            }

            if (stepDuration <= TimeSpan.Zero)
            {
                error = "--step-duration must be above 0, e.g. 10s";
                return false;
            }

            schedule = RateSchedule.Steps(rates, stepDuration);
            return true;
        }

        if (s.Rate is not null)
        {
            if (!BenchText.TryParseRate("--rate", s.Rate, out var rate, out error))
            {
                return false;
            }

            schedule = RateSchedule.Constant(rate);
        }

        return true;
    }
}
