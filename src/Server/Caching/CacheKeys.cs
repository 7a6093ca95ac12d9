using ELicense.Server.Internal;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>
/// Cache keys (without the Redis prefix): one scheme for memory, Redis, the change tracker and
/// invalidation messages. A key is a kind prefix and the lowercase hex of the first 16 bytes of
/// HMAC-SHA256(hash key, kind letter + ":" + value), e.g. <c>lic:3f2a…</c>: anyone reading Redis
/// (MONITOR, a dump, the pub/sub channel) sees which kind of record was read, never whose.
/// </summary>
/// <remarks>The hash and its cost: <see cref="KeyedHash"/>, under the key derived for Redis (not the audit subject key).</remarks>
public sealed class CacheKeys : IDisposable
{
    public const string LicensePrefix = "lic:";
    public const string VehiclePlatePrefix = "veh:p:";
    public const string VehicleVinPrefix = "veh:v:";

    private readonly KeyedHash _hash;

    public CacheKeys(RedisKeyMaterial material) => _hash = new KeyedHash(material.HashKey);

    /// <summary>The key of a licence, by its number as validated.</summary>
    public string License(string licenseNumber) => _hash.Compute(LicensePrefix, 'L', licenseNumber);

    /// <summary>The key of a vehicle, by its plate (canonical text <see cref="RegistryKeys.Plate"/>).</summary>
    public string VehiclePlate(Plate plate) => _hash.Compute(VehiclePlatePrefix, 'P', RegistryKeys.Plate(plate));

    /// <summary>The key of a vehicle, by its VIN.</summary>
    public string VehicleVin(string vin) => _hash.Compute(VehicleVinPrefix, 'V', vin);

    /// <summary>The key a registry change invalidates (its <see cref="RegistryChange.Key"/> is in the same canonical form).</summary>
    public string For(RegistryChange change) => change.Kind switch
    {
        ChangeKind.License => _hash.Compute(LicensePrefix, 'L', change.Key),
        ChangeKind.VehiclePlate => _hash.Compute(VehiclePlatePrefix, 'P', change.Key),
        ChangeKind.VehicleVin => _hash.Compute(VehicleVinPrefix, 'V', change.Key),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown change kind."),
    };

    public void Dispose() => _hash.Dispose();
}
