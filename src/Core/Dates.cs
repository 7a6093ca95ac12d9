using Date = Google.Type.Date;

namespace ELicense.Core;

/// <summary>
/// Calendar dates of the registry. Licence validity is in China Standard Time, which has no daylight
/// saving, so "today" is the UTC instant shifted by a fixed +08:00 (no time-zone database needed).
/// </summary>
public static class Dates
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>Today's date in China for the given instant.</summary>
    public static DateOnly ChinaToday(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime);

    public static DateOnly ToDateOnly(this Date date) => new(date.Year, date.Month, date.Day);

    public static Date ToProtoDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>True when the proto date is a real calendar date (the proto allows 0 parts and nonsense).</summary>
    public static bool IsValid(Date? date) =>
        date is { Year: >= 1900 and <= 9999, Month: >= 1 and <= 12, Day: >= 1 } && date.Day <= DateTime.DaysInMonth(date.Year, date.Month);

    public static int ToEpochDay(Date? date) => date is null ? 0 : date.ToDateOnly().DayNumber - EpochDayNumber;

    public static Date FromEpochDay(int epochDay) => DateOnly.FromDayNumber(checked(epochDay + EpochDayNumber)).ToProtoDate();
}
