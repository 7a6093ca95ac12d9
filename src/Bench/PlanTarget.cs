using System.Globalization;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>Where and how the requests go: connections, how keys are drawn (skew, seed), and what lookups say (purpose, violations by).</summary>
internal static class PlanTarget
{
    /// <summary>The parsed target options.</summary>
    public sealed record Result(int Connections, KeySkew Skew, ulong Seed, LookupPurpose Purpose, bool ViolationsByPlate);

    /// <summary>The target the options ask for; null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, out Result target)
    {
        target = null!;
        var connections = (long)BenchPlan.DefaultConnections;
        if (s.Connections is not null && !BenchText.TryParseCount("--connections", s.Connections, 256, out connections, out var message))
        {
            return message;
        }

        if (!KeySkew.TryParse(s.Skew, out var skew, out message))
        {
            return message;
        }

        ulong seed = 1;
        if (s.Seed is not null && !ulong.TryParse(s.Seed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            return $"--seed must be a whole number from 0 to {ulong.MaxValue} (got \"{s.Seed}\")";
        }

        var purpose = LookupPurpose.RoadsideCheck;
        if (s.Purpose is not null)
        {
            if (!Purposes.TryParse(s.Purpose, out var parsed))
            {
                return $"unknown --purpose; use one of {Purposes.Accepted}";
            }

            purpose = parsed.Value;
        }

        var byPlate = (s.ViolationsBy ?? "license").Trim().ToLowerInvariant() switch
        {
            "license" or "licence" => (bool?)false,
            "plate" => true,
            _ => null,
        };
        if (byPlate is null)
        {
            return $"--violations-by must be license or plate (got \"{s.ViolationsBy}\")";
        }

        target = new Result((int)connections, skew, seed, purpose, byPlate.Value);
        return null;
    }
}
