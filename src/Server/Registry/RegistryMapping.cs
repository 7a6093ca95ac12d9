using System.Globalization;
using ELicense.V1;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Date = Google.Type.Date;

namespace ELicense.Server.Registry;

/// <summary>Conversions between the contract's messages and the registry's column encodings.</summary>
internal static class RegistryMapping
{
    private const string ViolationIdPrefix = "V";
    private const string ViolationIdFormat = "D10";

    /// <summary>A date as <c>yyyymmdd</c>; null for an unset date (a long-term licence's end).</summary>
    public static int? ToDateInt(Date? date) => date is null ? null : (date.Year * 10000) + (date.Month * 100) + date.Day;

    public static int ToDateInt(DateOnly date) => (date.Year * 10000) + (date.Month * 100) + date.Day;

    public static Date FromDateInt(long value) => new()
    {
        Year = (int)(value / 10000),
        Month = (int)(value / 100 % 100),
        Day = (int)(value % 100),
    };

    public static Date ToDate(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static long ToUnixMs(Timestamp timestamp) => (timestamp.Seconds * 1000) + (timestamp.Nanos / 1_000_000);

    public static Timestamp FromUnixMs(long unixMs) => new()
    {
        Seconds = Math.DivRem(unixMs, 1000, out var ms) - (ms < 0 ? 1 : 0),
        Nanos = (int)((ms < 0 ? ms + 1000 : ms) * 1_000_000),
    };

    /// <summary>Statuses as a bitmask (bit n for status number n); duplicates collapse.</summary>
    public static long ToStatusMask(IEnumerable<VehicleStatus> statuses)
    {
        long mask = 0;
        foreach (var status in statuses)
        {
            var bit = (int)status;
            if (bit is < 1 or > 62)
            {
                throw new ArgumentOutOfRangeException(nameof(statuses), status, "Vehicle status out of range.");
            }

            mask |= 1L << bit;
        }

        return mask;
    }

    /// <summary>Adds the statuses of a bitmask in ascending order.</summary>
    public static void AddStatuses(RepeatedField<VehicleStatus> target, long mask)
    {
        for (var bit = 1; bit < 63 && mask >> bit != 0; bit++)
        {
            if ((mask & (1L << bit)) != 0)
            {
                target.Add((VehicleStatus)bit);
            }
        }
    }

    /// <summary>The public id of a violation row, e.g. <c>V0000000042</c>.</summary>
    public static string FormatViolationId(long rowId) =>
        ViolationIdPrefix + rowId.ToString(ViolationIdFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses an id made by <see cref="FormatViolationId"/>; only the canonical spelling is accepted.</summary>
    public static bool TryParseViolationId(string? value, out long rowId)
    {
        rowId = 0;
        if (value is null || value.Length < 2 || value.Length > 20 || !value.StartsWith(ViolationIdPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = value.AsSpan(1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out rowId)
            && rowId > 0
            && string.Equals(FormatViolationId(rowId), value, StringComparison.Ordinal);
    }
}
