using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>
/// The keys a run draws from: licence numbers, plates (with their type) and VINs, read from a keys file.
/// One key a line, its kind told by its shape:
/// <code>
/// 11010119900307803X        a licence number (18 characters)
/// 京A12345 02               a plate and its type (01, 02, 51, 52 or large, small, large-ne, small-ne; space, tab or comma between)
/// LSVAM4187C2184847         a VIN (17 characters)
/// 京A12345 02 LSVAM4187C2184847 K33 2027-05-31
///                           a vehicle record: plate, type, VIN, vehicle type (GA 802 code, - when not
///                           recorded) and inspection valid-until date; roadside mints its inspection
///                           marks from these (a mark must match the registry's record). It is also a
///                           plate key and a VIN key.
/// # a comment; blank lines are skipped
/// </code>
/// A keys file works against any registry: a seeded one (`sqlite3` can list its keys), a copy of a real
/// one, or a few records a test created. Keys are not validated here: the server's answer to a bad one
/// (INVALID_ARGUMENT, NOT_FOUND) shows in the status counts.
/// </summary>
public sealed class BenchKeys(IReadOnlyList<string> licenses, IReadOnlyList<Plate> plates, IReadOnlyList<string> vins,
    IReadOnlyList<Vehicle>? vehicles = null)
{
    /// <summary>The most keys read from a file.</summary>
    public const int MaxKeys = 10_000_000;

    /// <summary>Licence numbers.</summary>
    public IReadOnlyList<string> Licenses { get; } = licenses;

    /// <summary>Plates with their types.</summary>
    public IReadOnlyList<Plate> Plates { get; } = plates;

    /// <summary>Vehicle identification numbers.</summary>
    public IReadOnlyList<string> Vins { get; } = vins;

    /// <summary>Vehicle records (plate, VIN, vehicle type, inspection validity): what roadside mints marks from.</summary>
    public IReadOnlyList<Vehicle> Vehicles { get; } = vehicles ?? [];

    /// <summary>Reads a keys file; an unreadable file or line is a usage error naming the file and line.</summary>
    public static BenchKeys Load(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read --keys file \"{path}\": {ex.Message}", ex);
        }
    }

    /// <summary>Parses the keys file format; <paramref name="source"/> names it in errors.</summary>
    public static BenchKeys Parse(TextReader reader, string source)
    {
        var licenses = new List<string>();
        var plates = new List<Plate>();
        var vins = new List<string>();
        var vehicles = new List<Vehicle>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var parts = text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && PlateTypes.TryParse(parts[1], out var type))
            {
                plates.Add(new Plate { Number = parts[0].ToUpperInvariant(), Type = type.Value });
            }
            else if (parts.Length == 1 && parts[0].Length == 18)
            {
                licenses.Add(parts[0].ToUpperInvariant());
            }
            else if (parts.Length == 1 && parts[0].Length == 17)
            {
                vins.Add(parts[0].ToUpperInvariant());
            }
            else if (parts.Length == 5 && PlateTypes.TryParse(parts[1], out var vehiclePlateType) && parts[2].Length == 17
                && DateOnly.TryParseExact(parts[4], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var inspectionValidUntil))
            {
                var vehicle = new Vehicle
                {
                    Plate = new Plate { Number = parts[0].ToUpperInvariant(), Type = vehiclePlateType.Value },
                    Vin = parts[2].ToUpperInvariant(),
                    VehicleType = parts[3] == "-" ? string.Empty : parts[3].ToUpperInvariant(),
                    InspectionValidUntilDate = new Google.Type.Date
                    {
                        Year = inspectionValidUntil.Year, Month = inspectionValidUntil.Month, Day = inspectionValidUntil.Day,
                    },
                };
                vehicles.Add(vehicle);
                plates.Add(vehicle.Plate);
                vins.Add(vehicle.Vin);
            }
            else
            {
                throw new UsageException(
                    $"{source}, line {lineNumber}: not a key. Expected a licence number (18 characters), a VIN (17), a plate and its type (\"京A12345 02\") or a vehicle record (\"京A12345 02 LSVAM4187C2184847 K33 2027-05-31\").");
            }

            if (licenses.Count + plates.Count + vins.Count + vehicles.Count > MaxKeys)
            {
                throw new UsageException($"{source} holds more than {MaxKeys:N0} keys; a sample of them is as good for load.");
            }
        }

        return new BenchKeys(licenses, plates, vins, vehicles);
    }

    /// <summary>Shuffles a copy of <paramref name="keys"/> with the run's seed (Fisher–Yates), so that a hot spot is a random subset.</summary>
    public static T[] Shuffled<T>(IReadOnlyList<T> keys, ulong seed)
    {
        var copy = keys.ToArray();
        var draws = new SplitMix(seed);
        for (var i = copy.Length - 1; i > 0; i--)
        {
            var j = (int)(draws.Next() % (ulong)(i + 1));
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }
}
