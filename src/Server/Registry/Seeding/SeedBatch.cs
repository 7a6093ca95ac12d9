using ELicense.V1;

namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// One batch of synthetic rows: licences [<see cref="FirstLicense"/>, <see cref="EndLicense"/>) and the
/// vehicles in step with them, each vehicle's violations after it. The rows are generated as they are
/// enumerated (nothing is held in memory), table by table, so that an engine can stream each table on its
/// own (SQLite: prepared inserts; a server database: one binary COPY per table).
/// </summary>
public sealed record SeedBatch(int Seed, DateOnly Today, long LicenseTotal, long FirstLicense, long EndLicense,
    long FirstVehicle, long EndVehicle, long UpdateUnixMs)
{
    /// <summary>The batch of <paramref name="options"/> that starts at licence <paramref name="first"/>.</summary>
    public static SeedBatch For(SeedOptions options, long first, long updateUnixMs)
    {
        var total = options.LicenseCount;
        var end = Math.Min(total, first + options.BatchSize);
        // Vehicles in step with licences, so that progress is one number.
        var vehicleEnd = end == total ? SyntheticRegistry.VehicleCount(total) : SyntheticRegistry.VehicleCount(end);
        return new SeedBatch(options.Seed, options.Today, total, first, end, SyntheticRegistry.VehicleCount(first), vehicleEnd, updateUnixMs);
    }

    /// <summary>The batch's licences, in index order (update_time unset: the loader writes <see cref="UpdateUnixMs"/>).</summary>
    public IEnumerable<License> Licenses()
    {
        for (var i = FirstLicense; i < EndLicense; i++)
        {
            yield return SyntheticRegistry.License(Seed, i, Today);
        }
    }

    /// <summary>The batch's vehicles, in index order.</summary>
    public IEnumerable<Vehicle> Vehicles()
    {
        for (var v = FirstVehicle; v < EndVehicle; v++)
        {
            yield return SyntheticRegistry.Vehicle(Seed, v, LicenseTotal, Today);
        }
    }

    /// <summary>The violations of the batch's vehicles, vehicle by vehicle (ids unset: the registry assigns them in this order).</summary>
    public IEnumerable<Violation> Violations()
    {
        var buffer = new List<Violation>(16);
        for (var v = FirstVehicle; v < EndVehicle; v++)
        {
            buffer.Clear();
            var owner = SyntheticRegistry.LicenseNumber(Seed, SyntheticRegistry.VehicleOwner(Seed, v, LicenseTotal));
            SyntheticRegistry.AppendViolations(Seed, v, SyntheticRegistry.Plate(Seed, v), owner, Today, buffer);
            foreach (var violation in buffer)
            {
                yield return violation;
            }
        }
    }
}
