using System.Globalization;
using ELicense.V1;
using static ELicense.Server.Registry.Seeding.SyntheticTables;
using ELicense.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry.Seeding;

/// <summary>Synthetic vehicles: plates of each type's format, VINs with their check digit, owners, statuses.</summary>
public static partial class SyntheticRegistry
{
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
            VehicleType = model.VehicleType,
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

    private static Model ModelFor(int seed, long index, PlateType type)
    {
        var rng = Rng.For(seed, Stream.VinAttributes, index);
        var total = 0;
        foreach (var model in Models)
        {
            total += model.Type == type ? model.Weight : 0;
        }

        // Weighted, so that the vehicle types come out in the shares SyntheticTables.Models states.
        var pick = rng.Below(total);
        foreach (var model in Models)
        {
            if (model.Type == type && (pick -= model.Weight) < 0)
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
}
