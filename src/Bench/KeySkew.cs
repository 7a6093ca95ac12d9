using System.Globalization;

namespace ELicense.Bench;

/// <summary>
/// How keys are drawn: uniformly, or with a hot spot where a share of the requests goes to a share of the
/// keys (90/10: 90 % of the requests on 10 % of the keys, each part uniform within itself). Key lists are
/// shuffled with the run's seed first, so the hot keys are a random subset, not the file's first lines.
/// </summary>
public sealed record KeySkew(double HotRequestShare, double HotKeyShare)
{
    /// <summary>The accepted spellings, for help and error texts.</summary>
    public const string Accepted = "uniform, or hotspot:R/K (R % of the requests on K % of the keys, e.g. hotspot:90/10)";

    /// <summary>Every key equally likely.</summary>
    public static readonly KeySkew Uniform = new(1, 1);

    /// <summary>True for <see cref="Uniform"/>.</summary>
    public bool IsUniform => HotKeyShare >= 1;

    /// <summary>"uniform" or "hotspot 90% of requests on 10% of keys".</summary>
    public string Description => IsUniform
        ? "uniform"
        : string.Create(CultureInfo.InvariantCulture, $"hot spot: {HotRequestShare * 100:0.##}% of requests on {HotKeyShare * 100:0.##}% of keys");

    /// <summary>Parses "uniform", "hotspot" (90/10), "hotspot:90/10" or "90/10".</summary>
    public static bool TryParse(string? text, out KeySkew skew, out string error)
    {
        skew = Uniform;
        error = string.Empty;
        var trimmed = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (trimmed is "uniform" or "")
        {
            return true;
        }

        if (trimmed == "hotspot")
        {
            skew = new KeySkew(0.9, 0.1);
            return true;
        }

        if (trimmed.StartsWith("hotspot:", StringComparison.Ordinal))
        {
            trimmed = trimmed["hotspot:".Length..];
        }

        var parts = trimmed.Split('/');
        if (parts.Length == 2
            && double.TryParse(parts[0].TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var requests)
            && double.TryParse(parts[1].TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var keys)
            && requests is > 0 and <= 100 && keys is > 0 and < 100)
        {
            skew = new KeySkew(requests / 100, keys / 100);
            return true;
        }

        error = $"--skew must be {Accepted} (got \"{text}\")";
        return false;
    }

    /// <summary>A key position in [0, <paramref name="count"/>) for this request's draws.</summary>
    public int Pick(ref SplitMix draws, int count)
    {
        if (IsUniform || count < 2)
        {
            return draws.Below(count);
        }

        var hot = Math.Clamp((int)Math.Round(count * HotKeyShare), 1, count - 1);
        return draws.NextDouble() < HotRequestShare ? draws.Below(hot) : hot + draws.Below(count - hot);
    }
}
