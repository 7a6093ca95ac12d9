using ELicense.Server.Internal;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>Cached reads of the registry's licences and vehicles.</summary>
public sealed class RegistryReader(IRegistryStore store, TwoLevelCache<LicenseEntry> licenses, TwoLevelCache<VehicleEntry> vehicles)
{
    public ValueTask<CacheRead<LicenseEntry>> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) =>
        licenses.GetAsync(CacheKeys.License(licenseNumber), (store, licenseNumber), static async (s, ct) =>
        {
            var record = await s.store.GetLicenseAsync(s.licenseNumber, ct);
            return record is null ? new LicenseEntry() : new LicenseEntry { License = record.License, Violations = record.Violations };
        }, cancellationToken);

    public ValueTask<CacheRead<VehicleEntry>> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) =>
        vehicles.GetAsync(CacheKeys.VehiclePlate(plate), (store, plate), static async (s, ct) =>
            ToEntry(await s.store.GetVehicleByPlateAsync(s.plate, ct)), cancellationToken);

    public ValueTask<CacheRead<VehicleEntry>> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) =>
        vehicles.GetAsync(CacheKeys.VehicleVin(vin), (store, vin), static async (s, ct) =>
            ToEntry(await s.store.GetVehicleByVinAsync(s.vin, ct)), cancellationToken);

    private static VehicleEntry ToEntry(VehicleRecord? record) =>
        record is null ? new VehicleEntry() : new VehicleEntry { Vehicle = record.Vehicle, Violations = record.Violations };
}
