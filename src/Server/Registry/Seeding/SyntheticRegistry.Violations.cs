using System.Globalization;
using ELicense.V1;
using static ELicense.Server.Registry.Seeding.SyntheticTables;
using ELicense.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry.Seeding;

/// <summary>Synthetic violations: counts per vehicle, codes weighted by source, states and attribution.</summary>
public static partial class SyntheticRegistry
{
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
}
