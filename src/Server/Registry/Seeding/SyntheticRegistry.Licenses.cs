using System.Globalization;
using ELicense.V1;
using static ELicense.Server.Registry.Seeding.SyntheticTables;
using ELicense.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry.Seeding;

/// <summary>Synthetic licences: identity numbers with real area codes and check characters, holders, classes, validity.</summary>
public static partial class SyntheticRegistry
{
    /// <summary>The i-th licence number (an 18-character identity number) of a seed.</summary>
    public static string LicenseNumber(int seed, long index)
    {
        var (area, birth, sequence) = LicenseKey(seed, index);
        return LicenseNumber(area, birth, sequence);
    }

    /// <summary>The holder name of the i-th licence.</summary>
    public static string HolderName(int seed, long index)
    {
        var rng = Rng.For(seed, Stream.HolderName, index);
        var surname = Surnames[rng.Below(Surnames.Length)];
        var first = GivenNameCharacters[rng.Below(GivenNameCharacters.Length)];
        return rng.Below(100) < 70
            ? string.Concat(surname, first, GivenNameCharacters[rng.Below(GivenNameCharacters.Length)])
            : string.Concat(surname, first);
    }

    /// <summary>The i-th licence of a seed, dated relative to <paramref name="today"/> (update_time unset).</summary>
    public static License License(int seed, long index, DateOnly today)
    {
        var (area, birth, sequence) = LicenseKey(seed, index);
        var rng = Rng.For(seed, Stream.LicenseAttributes, index);

        // Status and points: ~96 % normal; 1 % at 12 points; most have no points.
        var status = LicenseStatus.Normal;
        int points;
        var roll = rng.Below(1000);
        if (roll < 10)
        {
            status = LicenseStatus.PointsExceeded;
            points = 12;
        }
        else
        {
            status = roll switch
            {
                < 18 => LicenseStatus.Suspended,
                < 21 => LicenseStatus.Revoked,
                < 25 => LicenseStatus.Cancelled,
                < 35 => LicenseStatus.RenewalOverdue,
                < 40 => LicenseStatus.ReviewOverdue,
                _ => LicenseStatus.Normal,
            };
            var pointsRoll = rng.Below(100);
            points = pointsRoll < 75 ? 0 : pointsRoll < 88 ? 1 + rng.Below(3) : pointsRoll < 97 ? 3 + rng.Below(4) : 7 + rng.Below(5);
        }

        // First issue: at 18 or later, within the last 35 years.
        var adult = birth.AddYears(18);
        var earliest = adult > today.AddYears(-35) ? adult : today.AddYears(-35);
        var span = today.DayNumber - earliest.DayNumber;
        var firstIssue = span > 0 ? earliest.AddDays(rng.Below(span)) : today;

        // 6 years, then 10 years, then long-term; renewal-overdue and ~1 % of the others have lapsed.
        DateOnly validFrom;
        DateOnly? validUntil;
        var sixYears = firstIssue.AddYears(6);
        var sixteenYears = firstIssue.AddYears(16);
        if (status == LicenseStatus.RenewalOverdue || rng.Below(100) == 0)
        {
            validUntil = today.AddDays(-1 - rng.Below(400));
            validFrom = validUntil.Value.AddYears(validUntil.Value < sixYears.AddDays(1) ? -6 : -10);
            if (firstIssue > validFrom)
            {
                firstIssue = validFrom;
            }
        }
        else if (today < sixYears)
        {
            (validFrom, validUntil) = (firstIssue, sixYears);
        }
        else if (today < sixteenYears)
        {
            (validFrom, validUntil) = (sixYears, sixteenYears);
        }
        else
        {
            (validFrom, validUntil) = (sixteenYears, null);
        }

        var license = new License
        {
            LicenseNumber = LicenseNumber(area, birth, sequence),
            FileNumber = string.Concat(area.Code.AsSpan(0, 4), rng.Below(100_000_000).ToString("D8", CultureInfo.InvariantCulture)),
            HolderName = HolderName(seed, index),
            LicenseClass = LicenseClass(rng.Below(1000)),
            Status = status,
            FirstIssueDate = RegistryMapping.ToDate(firstIssue),
            ValidFromDate = RegistryMapping.ToDate(validFrom),
            Points = points,
            IssuingAuthority = area.Authority,
        };
        if (validUntil is { } until)
        {
            license.ValidUntilDate = RegistryMapping.ToDate(until);
        }

        return license;
    }

    private static (Area Area, DateOnly Birth, int Sequence) LicenseKey(int seed, long index)
    {
        var x = Permute(seed, Stream.LicenseKey, index, LicenseSpace);
        var sequence = (int)(x % 1000);
        x /= 1000;
        var birth = BirthFirst.AddDays((int)(x % (ulong)BirthDays));
        var area = Areas[(int)(x / (ulong)BirthDays)];
        return (area, birth, sequence);
    }

    private static string LicenseNumber(Area area, DateOnly birth, int sequence)
    {
        Span<char> text = stackalloc char[IdentityNumber.Length];
        area.Code.AsSpan().CopyTo(text);
        birth.TryFormat(text[6..], out _, "yyyyMMdd", CultureInfo.InvariantCulture);
        sequence.TryFormat(text[14..], out _, "D3", CultureInfo.InvariantCulture);
        text[17] = IdentityNumber.ComputeCheckCharacter(text[..17])!.Value;
        return new string(text);
    }

    private static string LicenseClass(int perMille) => perMille switch
    {
        < 700 => "C1",
        < 820 => "C2",
        < 870 => "B2",
        < 890 => "A2",
        < 900 => "A1",
        < 930 => "E",
        < 940 => "D",
        < 950 => "F",
        < 980 => "C1E",
        < 990 => "C1D",
        < 995 => "B2E",
        _ => "A2E",
    };
}
