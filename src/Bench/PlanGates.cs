namespace ELicense.Bench;

/// <summary>The service-level gates: --max-p99 (a duration with its unit) and --max-error-rate (a fraction or a percentage).</summary>
internal static class PlanGates
{
    /// <summary>The gates the options ask for (none when neither is given); null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, out SloGates gates)
    {
        gates = new SloGates(null, null);
        TimeSpan? maxP99 = null;
        string message;
        if (s.MaxP99 is not null)
        {
            if (!BenchText.TryParseDuration("--max-p99", s.MaxP99, unitRequired: true, out var p99, out message))
            {
                return message;
            }

            maxP99 = p99;
        }

        double? maxErrorRate = null;
        if (s.MaxErrorRate is not null)
        {
            if (!BenchText.TryParseFraction("--max-error-rate", s.MaxErrorRate, out var rate, out message))
            {
                return message;
            }

            maxErrorRate = rate;
        }

        gates = new SloGates(maxP99, maxErrorRate);
        return null;
    }
}
