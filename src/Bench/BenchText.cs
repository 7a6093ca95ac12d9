using System.Globalization;

namespace ELicense.Bench;

/// <summary>
/// Parses the value syntaxes of elicense-bench: durations ("10s", "500ms", "250us", "2m"), rates ("1000",
/// "2.5k", "1000/s"), fractions ("0.1%", "0.001") and counts ("200", "10k", "1_000"). Each parser returns
/// false with a message that names the option and shows an example, so the user sees what to type.
/// </summary>
public static class BenchText
{
    /// <summary>The highest rate accepted, in requests per second: far beyond what one generator can send.</summary>
    public const double MaxRate = 10_000_000;

    private static readonly (string Suffix, double Seconds)[] Units =
    [
        ("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600),
    ];

    /// <summary>
    /// Parses a duration: a non-negative number with a unit (ns, us, µs, ms, s, m, h). A bare number is
    /// seconds unless <paramref name="unitRequired"/> (latencies, where "5" could mean anything).
    /// </summary>
    public static bool TryParseDuration(string option, string? text, bool unitRequired, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        var trimmed = (text ?? string.Empty).Trim();
        var example = unitRequired ? "5ms or 250us" : "10s, 500ms or 2m";
        foreach (var (suffix, seconds) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && TryParseNumber(trimmed[..^suffix.Length], out var number))
            {
                return ToDuration(option, number * seconds, example, out value, out error);
            }
        }

        if (!unitRequired && TryParseNumber(trimmed, out var bare))
        {
            return ToDuration(option, bare, example, out value, out error);
        }

        error = unitRequired && TryParseNumber(trimmed, out _)
            ? $"{option} needs a unit, e.g. {example} (got \"{text}\")"
            : $"{option} must be a duration such as {example} (got \"{text}\")";
        return false;
    }

    /// <summary>Parses a rate in requests per second: "1000", "2.5k", "1000/s"; greater than 0.</summary>
    public static bool TryParseRate(string option, string? text, out double rate, out string error) =>
        TryParseRate(option, text, allowZero: false, out rate, out error);

    /// <summary>Parses a rate; <paramref name="allowZero"/> for the ends of a ramp.</summary>
    public static bool TryParseRate(string option, string? text, bool allowZero, out double rate, out string error)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.EndsWith("/s", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^2];
        }

        var multiplier = 1.0;
        if (trimmed.EndsWith('k') || trimmed.EndsWith('K'))
        {
            multiplier = 1000;
            trimmed = trimmed[..^1];
        }

        if (TryParseNumber(trimmed, out var number) && (number > 0 || (allowZero && number == 0)) && number * multiplier <= MaxRate)
        {
            rate = number * multiplier;
            error = string.Empty;
            return true;
        }

        rate = 0;
        error = string.Create(CultureInfo.InvariantCulture,
            $"{option} must be a rate in requests per second {(allowZero ? "from 0" : "above 0")} up to {MaxRate:0}, e.g. 1000 or 2.5k (got \"{text}\")");
        return false;
    }

    /// <summary>Parses a fraction: "0.1%" or "0.001", between 0 and 1.</summary>
    public static bool TryParseFraction(string option, string? text, out double fraction, out string error)
    {
        var trimmed = (text ?? string.Empty).Trim();
        var percent = trimmed.EndsWith('%');
        if (TryParseNumber(percent ? trimmed[..^1] : trimmed, out var number))
        {
            fraction = percent ? number / 100 : number;
            if (fraction is >= 0 and <= 1)
            {
                error = string.Empty;
                return true;
            }
        }

        fraction = 0;
        error = $"{option} must be a percentage such as 0.1% or a fraction such as 0.001, between 0 and 1 (got \"{text}\")";
        return false;
    }

    /// <summary>Parses a positive whole count: "200", "10k", "1m", "1_000", "1,000".</summary>
    public static bool TryParseCount(string option, string? text, long max, out long count, out string error)
    {
        var trimmed = (text ?? string.Empty).Trim().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        long multiplier = 1;
        if (trimmed.EndsWith('k') || trimmed.EndsWith('K'))
        {
            (multiplier, trimmed) = (1000, trimmed[..^1]);
        }
        else if (trimmed.EndsWith('m') || trimmed.EndsWith('M'))
        {
            (multiplier, trimmed) = (1_000_000, trimmed[..^1]);
        }

        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number > 0 && number <= max / multiplier)
        {
            count = number * multiplier;
            error = string.Empty;
            return true;
        }

        count = 0;
        error = string.Create(CultureInfo.InvariantCulture, $"{option} must be a whole number from 1 to {max}, e.g. 200 or 10k (got \"{text}\")");
        return false;
    }

    /// <summary>A duration for people: "850 µs", "12.3 ms", "4.20 s".</summary>
    public static string FormatDuration(TimeSpan value) => FormatNanoseconds(value.Ticks * 100.0);

    /// <summary>A latency in nanoseconds for people, with three significant digits.</summary>
    public static string FormatNanoseconds(double nanoseconds) => nanoseconds switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:0} ns"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e3:0.#} µs"),
        < 10_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.00} ms"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e9:0.00} s"),
    };

    /// <summary>A rate for people: "1,000/s", "2,500/s", "0.5/s".</summary>
    public static string FormatRate(double rate) =>
        rate.ToString(rate >= 10 ? "N0" : "0.##", CultureInfo.InvariantCulture) + "/s";

    /// <summary>A fraction as a percentage with enough digits to tell 0.001 % from 0.</summary>
    public static string FormatPercent(double fraction) =>
        (fraction * 100).ToString(fraction < 0.0001 ? "0.#####" : "0.###", CultureInfo.InvariantCulture) + "%";

    private static bool ToDuration(string option, double seconds, string example, out TimeSpan value, out string error)
    {
        if (seconds is >= 0 and <= 366 * 86_400)
        {
            value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
            error = string.Empty;
            return true;
        }

        value = TimeSpan.Zero;
        error = $"{option} must be a duration from 0 up to a year, e.g. {example}";
        return false;
    }

    private static bool TryParseNumber(string text, out double number) =>
        double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number)
        && double.IsFinite(number);
}
