using System.Globalization;
using ELicense.Server.Validation;
using ELicense.V1;
using static ELicense.Server.Registry.SyntheticTables;
using ELicense.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry;

/// <summary>
/// Deterministic synthetic registry data: the i-th licence, vehicle or violation for a seed, with no
/// I/O and no clock (dates are relative to a given "today"). Every identifier validates: identity
/// numbers carry real area codes, real birth dates and the GB 11643 check character; VINs carry the
/// check digit; plates follow their type's format. Keys are unique per seed: licence numbers, plates
/// and VINs come from bijections of the index, so no two indexes collide.
/// </summary>
/// <remarks>
/// All of it is made up. A database seeded from it says so in its <c>meta</c> table (<c>synthetic = 1</c>).
/// </remarks>
public static class SyntheticRegistry
{
    /// <summary>The default seed of the seed command.</summary>
    public const int DefaultSeed = 20261125;

    private const ulong Multiplier = 2_654_435_761UL; // prime, larger than every key space below
    private const string SerialCharacters = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"; // 34: digits and letters without I, O
    private const string OfficeLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // 24: A-Z without I, O
    private const string VinCharacters = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"; // 33: no I, O, Q
    private const string ModelYearCharacters = "ABCDEFGHJKLMNPRS"; // model years 2010-2025
    private const string PlantCharacters = "0123456789ABCDEFGHJKLMNP"; // 24
    private const int PlateSerialSpace = 34 * 10_000; // one digit-or-letter and four digits

    private static readonly DateOnly BirthFirst = new(1950, 1, 1);
    private static readonly int BirthDays = new DateOnly(2006, 12, 31).DayNumber - BirthFirst.DayNumber + 1;
    private static readonly ulong LicenseSpace = (ulong)Areas.Length * (ulong)BirthDays * 1000UL;
    private static readonly ulong PlateSpace = (ulong)PlateNumber.Provinces.Length * (ulong)OfficeLetters.Length * PlateSerialSpace;
    private static readonly ulong VinSpace = (ulong)ModelYearCharacters.Length * (ulong)PlantCharacters.Length * 1_000_000UL;

    private enum Stream : ulong
    {
        LicenseKey = 1,
        LicenseAttributes,
        HolderName,
        PlateKey,
        PlateType,
        VinKey,
        VinAttributes,
        Owner,
        VehicleAttributes,
        ViolationCount,
        Violation,
    }

    /// <summary>The number of vehicles seeded along with <paramref name="licenseCount"/> licences (0.8 each).</summary>
    public static long VehicleCount(long licenseCount) => licenseCount * 4 / 5;

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

    /// <summary>The plate of the i-th vehicle of a seed.</summary>
    public static Plate Plate(int seed, long index)
    {
        var rng = Rng.For(seed, Stream.PlateType, index);
        var typeRoll = rng.Below(100);
        var type = typeRoll switch
        {
            < 80 => PlateType.Small,
            < 92 => PlateType.SmallNewEnergy,
            < 97 => PlateType.Large,
            _ => PlateType.LargeNewEnergy,
        };

        var x = Permute(seed, Stream.PlateKey, index, PlateSpace);
        var serial = (int)(x % PlateSerialSpace);
        x /= PlateSerialSpace;
        var office = OfficeLetters[(int)(x % (ulong)OfficeLetters.Length)];
        var province = PlateNumber.Provinces[(int)(x / (ulong)OfficeLetters.Length)];

        Span<char> text = stackalloc char[8];
        text[0] = province;
        text[1] = office;
        var at = 2;
        var energy = rng.Below(3) == 0 ? 'F' : 'D';
        if (type == PlateType.SmallNewEnergy)
        {
            text[at++] = energy;
        }

        text[at++] = SerialCharacters[serial / 10_000];
        (serial % 10_000).TryFormat(text[at..], out _, "D4", CultureInfo.InvariantCulture);
        at += 4;
        if (type == PlateType.LargeNewEnergy)
        {
            text[at++] = energy;
        }

        return new Plate { Type = type, Number = new string(text[..at]) };
    }

    /// <summary>The VIN of the i-th vehicle of a seed.</summary>
    public static string Vin(int seed, long index) => Vin(seed, index, Plate(seed, index).Type);

    /// <summary>The licence index of the i-th vehicle's owner (uniform over the licences, so some own several).</summary>
    public static long VehicleOwner(int seed, long index, long licenseCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(licenseCount, 1);
        return (long)(Rng.For(seed, Stream.Owner, index).Next() % (ulong)licenseCount);
    }

    /// <summary>The i-th vehicle of a seed (update_time unset).</summary>
    public static Vehicle Vehicle(int seed, long index, long licenseCount, DateOnly today)
    {
        var plate = Plate(seed, index);
        var model = ModelFor(seed, index, plate.Type);
        var rng = Rng.For(seed, Stream.VehicleAttributes, index);
        var vehicle = new Vehicle
        {
            Plate = plate,
            Vin = Vin(seed, index, plate.Type),
            OwnerName = HolderName(seed, VehicleOwner(seed, index, licenseCount)),
            Model = model.Name,
            // Inspection: mostly valid for up to two years, ~8 % lapsed; insurance: a year, ~5 % lapsed.
            InspectionValidUntilDate = RegistryMapping.ToDate(today.AddDays(rng.Below(100) < 8 ? -1 - rng.Below(180) : rng.Below(730))),
            InsuranceValidUntilDate = RegistryMapping.ToDate(today.AddDays(rng.Below(100) < 5 ? -1 - rng.Below(90) : rng.Below(365))),
        };

        var roll = rng.Below(1000);
        switch (roll)
        {
            case < 40:
                vehicle.Statuses.Add(VehicleStatus.Mortgaged);
                break;
            case < 50:
                vehicle.Statuses.Add(VehicleStatus.Seized);
                break;
            case < 58:
                vehicle.Statuses.Add(VehicleStatus.Seized);
                vehicle.Statuses.Add(VehicleStatus.Mortgaged);
                break;
            case < 63:
                vehicle.Statuses.Add(VehicleStatus.Stolen);
                break;
            case < 68:
                vehicle.Statuses.Add(VehicleStatus.UnprocessedAccident);
                break;
            case < 73:
                vehicle.Statuses.Add(VehicleStatus.Cancelled);
                break;
            case < 78:
                vehicle.Statuses.Add(VehicleStatus.TransferredOut);
                break;
            default:
                break; // normal: no statuses
        }

        return vehicle;
    }

    /// <summary>How many violations the i-th vehicle has (0 to 8, about 1.5 on average).</summary>
    public static int ViolationCount(int seed, long vehicleIndex)
    {
        var rng = Rng.For(seed, Stream.ViolationCount, vehicleIndex);
        return rng.Below(100) switch
        {
            < 36 => 0,
            < 62 => 1,
            < 77 => 2,
            < 88 => 3,
            < 95 => 4,
            _ => 5 + rng.Below(4),
        };
    }

    /// <summary>The violations of the i-th vehicle (ids unset: the registry assigns them).</summary>
    public static IReadOnlyList<Violation> Violations(int seed, long vehicleIndex, long licenseCount, DateOnly today)
    {
        var list = new List<Violation>();
        var plate = Plate(seed, vehicleIndex);
        var owner = LicenseNumber(seed, VehicleOwner(seed, vehicleIndex, licenseCount));
        AppendViolations(seed, vehicleIndex, plate, owner, today, list);
        return list;
    }

    /// <summary>Appends the i-th vehicle's violations, given its plate and its owner's licence number.</summary>
    internal static void AppendViolations(int seed, long vehicleIndex, Plate plate, string ownerLicenseNumber, DateOnly today, List<Violation> into)
    {
        var count = ViolationCount(seed, vehicleIndex);
        if (count == 0)
        {
            return;
        }

        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), Dates.ChinaOffset).ToUnixTimeMilliseconds();
        var rng = Rng.For(seed, Stream.Violation, vehicleIndex);
        for (var i = 0; i < count; i++)
        {
            var camera = rng.Below(100) < 75;
            var code = PickCode(ref rng, camera);
            var stateRoll = rng.Below(100);
            var state = stateRoll < 30 ? ViolationState.Unprocessed : stateRoll < 50 ? ViolationState.Processed : ViolationState.Paid;
            // Up to three years back, at any second of the day.
            var occur = midnight - (rng.Below(3 * 365) * 86_400_000L) + (rng.Below(86_400) * 1000L);
            into.Add(new Violation
            {
                OccurTime = RegistryMapping.FromUnixMs(occur),
                Place = Places[rng.Below(Places.Length)],
                Code = code.Code,
                Description = code.Description,
                Points = code.Points,
                FineYuan = code.FineYuan,
                Plate = plate,
                // Processed ones are attributed; an unprocessed on-site one names the driver, a camera capture no one.
                LicenseNumber = state != ViolationState.Unprocessed || !camera ? ownerLicenseNumber : string.Empty,
                State = state,
                Source = camera ? ViolationSource.Camera : ViolationSource.OnSite,
            });
        }
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

    private static Model ModelFor(int seed, long index, PlateType type)
    {
        var rng = Rng.For(seed, Stream.VinAttributes, index);
        var candidates = 0;
        foreach (var model in Models)
        {
            candidates += model.Type == type ? 1 : 0;
        }

        var pick = rng.Below(candidates);
        foreach (var model in Models)
        {
            if (model.Type == type && pick-- == 0)
            {
                return model;
            }
        }

        throw new InvalidOperationException($"No model for plate type {type}.");
    }

    private static string Vin(int seed, long index, PlateType type)
    {
        var model = ModelFor(seed, index, type);
        var rng = Rng.For(seed, Stream.VinAttributes, index);
        rng.Next(); // the draw ModelFor used

        var x = Permute(seed, Stream.VinKey, index, VinSpace);
        var serial = (int)(x % 1_000_000);
        x /= 1_000_000;
        var plant = PlantCharacters[(int)(x % (ulong)PlantCharacters.Length)];
        var year = ModelYearCharacters[(int)(x / (ulong)PlantCharacters.Length)];

        Span<char> vin = stackalloc char[Core.Identifiers.Vin.Length];
        model.Wmi.AsSpan().CopyTo(vin);
        for (var i = 3; i < 8; i++)
        {
            vin[i] = VinCharacters[rng.Below(VinCharacters.Length)];
        }

        vin[9] = year;
        vin[10] = plant;
        serial.TryFormat(vin[11..], out _, "D6", CultureInfo.InvariantCulture);
        vin[8] = Core.Identifiers.Vin.ComputeCheckDigit(vin)!.Value;
        return new string(vin);
    }

    private static ViolationCode PickCode(ref Rng rng, bool camera)
    {
        var total = 0;
        foreach (var code in ViolationCodes)
        {
            total += camera ? code.CameraWeight : code.OnSiteWeight;
        }

        var pick = rng.Below(total);
        foreach (var code in ViolationCodes)
        {
            pick -= camera ? code.CameraWeight : code.OnSiteWeight;
            if (pick < 0)
            {
                return code;
            }
        }

        return ViolationCodes[0];
    }

    /// <summary>A bijection of [0, space) (multiplication by a prime larger than the space, plus a seeded offset).</summary>
    private static ulong Permute(int seed, Stream stream, long index, ulong space)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if ((ulong)index >= space)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The synthetic key space holds {space} values.");
        }

        var offset = Rng.For(seed, stream, -1).Next() % space;
        return (ulong)((((UInt128)(ulong)index * Multiplier) + offset) % space);
    }

    /// <summary>SplitMix64, started from a hash of (seed, stream, index).</summary>
    private struct Rng
    {
        private ulong _state;

        public static Rng For(int seed, Stream stream, long index) => new()
        {
            _state = Mix(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ Mix(((ulong)stream << 56) ^ (ulong)index)),
        };

        public ulong Next()
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }

        /// <summary>Uniform in [0, n).</summary>
        public int Below(int n) => (int)((Next() >> 32) * (ulong)n >> 32);

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
