using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>Cache keys (without the Redis prefix): one scheme for memory, Redis and invalidation messages.</summary>
public static class CacheKeys
{
    public const string LicensePrefix = "lic:";
    public const string VehiclePlatePrefix = "veh:p:";
    public const string VehicleVinPrefix = "veh:v:";

    public static string License(string licenseNumber) => LicensePrefix + licenseNumber;

    public static string VehiclePlate(Plate plate) => VehiclePlatePrefix + RegistryKeys.Plate(plate);

    public static string VehicleVin(string vin) => VehicleVinPrefix + vin;

    public static string For(RegistryChange change) => change.Kind switch
    {
        ChangeKind.License => LicensePrefix + change.Key,
        ChangeKind.VehiclePlate => VehiclePlatePrefix + change.Key,
        ChangeKind.VehicleVin => VehicleVinPrefix + change.Key,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown change kind."),
    };
}
