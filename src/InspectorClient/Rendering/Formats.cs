using System.Globalization;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using GoogleDate = Google.Type.Date;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Text formats shared by the views: dates, local times, ages, freshness.</summary>
public static class Formats
{
    /// <summary>The points that exceed a cycle.</summary>
    public const int PointsPerCycle = 12;

    /// <summary>A calendar date as yyyy-MM-dd, or "—" when unset.</summary>
    public static string Date(GoogleDate? date) =>
        date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0)
            ? "—"
            : string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}");

    /// <summary>A validity period: "from – until", or "from – 长期 (long-term)" without an end.</summary>
    public static string Validity(GoogleDate? from, GoogleDate? until) =>
        until is null ? $"{Date(from)} – 长期 (long-term)" : $"{Date(from)} – {Date(until)}";

    /// <summary>A timestamp as local HH:mm:ss in the time provider's zone, or "—".</summary>
    public static string LocalTime(Timestamp? timestamp, TimeProvider time) =>
        timestamp is null ? "—" : ToLocal(timestamp, time).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A timestamp as local yyyy-MM-dd HH:mm:ss in the time provider's zone, or "—".</summary>
    public static string LocalDateTime(Timestamp? timestamp, TimeProvider time) =>
        timestamp is null ? "—" : ToLocal(timestamp, time).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>An age: "1.2s", "3m 04s", "2h 05m".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60
            ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0.0}s")
            : age.TotalMinutes < 60
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m {age.Seconds:D2}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes:D2}m");
    }

    /// <summary>
    /// "source: redis, as of 12:00:01, age 1.2s, max lag 0.5s (live invalidation)" plus " STALE" when
    /// stale; the max lag part only for cached answers.
    /// </summary>
    public static string Freshness(Freshness freshness, TimeProvider time) =>
        freshness.Stale ? FreshnessBase(freshness, time) + " STALE" : FreshnessBase(freshness, time);

    /// <summary>The freshness line as markup: amber when changes are not reaching the server live, with STALE in bold amber.</summary>
    public static string FreshnessMarkup(Freshness freshness, TimeProvider time)
    {
        var plain = Markup.Escape(FreshnessBase(freshness, time));
        var line = InvalidationNotLive(freshness) ? $"[{Palette.Amber}]{plain}[/]" : plain;
        return freshness.Stale ? $"{line} [bold {Palette.Amber}]STALE[/]" : line;
    }

    /// <summary>True when a cached answer came while pub/sub invalidation was down or silent.</summary>
    public static bool InvalidationNotLive(Freshness freshness) =>
        freshness.Invalidation is InvalidationPath.FeedOnly or InvalidationPath.None;

    /// <summary>Points as "x/12", in red at or above 12.</summary>
    public static string PointsMarkup(int points)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{points}/{PointsPerCycle}");
        return points >= PointsPerCycle ? $"[bold red]{text}[/]" : text;
    }

    /// <summary>"2 (6 points, ¥400)" or "none".</summary>
    public static string Violations(ViolationSummary? summary) =>
        summary is null || summary.UnprocessedCount == 0
            ? "none"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{summary.UnprocessedCount} ({summary.UnprocessedPoints} points, ¥{summary.UnprocessedFineYuan})");

    private static string FreshnessBase(Freshness freshness, TimeProvider time)
    {
        var text = $"source: {VerdictText.Describe(freshness.Source)}, as of {LocalTime(freshness.AsOfTime, time)}";
        text = freshness.Age is null ? text : $"{text}, age {Age(freshness.Age.ToTimeSpan())}";
        return freshness.Invalidation == InvalidationPath.Unspecified
            ? text
            : $"{text}, max lag {Age(freshness.MaxLag?.ToTimeSpan() ?? TimeSpan.Zero)} ({VerdictText.Describe(freshness.Invalidation)})";
    }

    private static DateTimeOffset ToLocal(Timestamp timestamp, TimeProvider time) =>
        TimeZoneInfo.ConvertTime(timestamp.ToDateTimeOffset(), time.LocalTimeZone);
}
