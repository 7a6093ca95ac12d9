using ELicense.Server.Observability;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>Cached reads of the registry's licences and vehicles, counted per answering level.</summary>
public sealed class RegistryReader(IRegistryStore store, TwoLevelCache<LicenseEntry> licenses, TwoLevelCache<VehicleEntry> vehicles,
    ServerMetrics metrics, CacheKeys cacheKeys)
{
    public ValueTask<CacheRead<LicenseEntry>> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) =>
        Counted("license", licenses.GetAsync(cacheKeys.License(licenseNumber), (store, licenseNumber), static async (s, ct) =>
        {
            var record = await s.store.GetLicenseAsync(s.licenseNumber, ct);
            return record is null ? new LicenseEntry() : new LicenseEntry { License = record.License, Violations = record.Violations };
        }, cancellationToken));

    public ValueTask<CacheRead<VehicleEntry>> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) =>
        Counted("vehicle", vehicles.GetAsync(cacheKeys.VehiclePlate(plate), (store, plate), static async (s, ct) =>
            ToEntry(await s.store.GetVehicleByPlateAsync(s.plate, ct)), cancellationToken));

    public ValueTask<CacheRead<VehicleEntry>> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) =>
        Counted("vehicle", vehicles.GetAsync(cacheKeys.VehicleVin(vin), (store, vin), static async (s, ct) =>
            ToEntry(await s.store.GetVehicleByVinAsync(s.vin, ct)), cancellationToken));

    // A memory hit completes synchronously and is counted without an async frame.
    private ValueTask<CacheRead<TEntry>> Counted<TEntry>(string kind, ValueTask<CacheRead<TEntry>> read)
    {
        if (read.IsCompletedSuccessfully)
        {
            var result = read.Result;
            metrics.RecordCacheRead(kind, result.Source, result.Stale);
            return new ValueTask<CacheRead<TEntry>>(result);
        }

        return CountedAsync(kind, read);
    }

    private async ValueTask<CacheRead<TEntry>> CountedAsync<TEntry>(string kind, ValueTask<CacheRead<TEntry>> read)
    {
        var result = await read;
        metrics.RecordCacheRead(kind, result.Source, result.Stale);
        return result;
    }

    private static VehicleEntry ToEntry(VehicleRecord? record) =>
        record is null ? new VehicleEntry() : new VehicleEntry { Vehicle = record.Vehicle, Violations = record.Violations };
}
