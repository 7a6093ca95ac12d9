namespace ELicense.Bench;

/// <summary>What to send: one workload, or a weighted --mix of them (never both, never neither).</summary>
internal static class PlanWorkload
{
    /// <summary>The mix the options ask for; null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, out WorkloadMix mix)
    {
        mix = WorkloadMix.Only(Workload.License);
        if (!string.IsNullOrWhiteSpace(s.Workload) && !string.IsNullOrWhiteSpace(s.Mix))
        {
            return "give a workload or --mix, not both";
        }

        if (!string.IsNullOrWhiteSpace(s.Mix))
        {
            return WorkloadMix.TryParse(s.Mix, out mix, out var message) ? null : message;
        }

        if (string.IsNullOrWhiteSpace(s.Workload))
        {
            return $"give a workload ({Workloads.Accepted}) or --mix, e.g. `elicense-bench license --keys keys.txt --rate 1000`";
        }

        if (Workloads.TryParse(s.Workload, out var workload))
        {
            mix = WorkloadMix.Only(workload);
            return null;
        }

        return $"unknown workload \"{s.Workload}\"; use {Workloads.Accepted}, or --mix";
    }
}
